/** The tests' Redis: the bench's real `redis-server` on a free port (Debian's package). */
export { startRedisServer, type RedisServer } from '../../bench/redis/redisServer.js';
