/** `url` with its password, if any, masked: for messages and logs. */
export function withoutPassword(url: string): string {
  return url.replace(/^(\w+:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}
