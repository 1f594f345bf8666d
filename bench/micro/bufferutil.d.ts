/** ws's optional native masking helpers; the package ships no typings. */
declare module 'bufferutil' {
  /** XORs `buffer` in place with the 4-byte WebSocket `mask`. */
  export function unmask(buffer: Buffer, mask: Buffer): void;
}
