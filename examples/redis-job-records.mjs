// Job records on Redis, for createProxyHandler's `jobRecords` when several Node processes serve
// one app (a cluster, or servers behind a load balancer): the service's webhook lands on one
// process, a caller's event stream is served by another, and both see the same record.
//
//   import Redis from "ioredis";
//   import { redisJobRecords } from "./redis-job-records.mjs";
//   const proxy = createProxyHandler({ ..., webhookUrl, jobRecords: redisJobRecords(new Redis(process.env.REDIS_URL)) });
//
// Each record is a string key (`apiframe-reve:job:{id}`, kept for a day). `update` is atomic
// by compare-and-set: it reads the record, lets the proxy merge into it, and writes the result
// only if the record is still what it read (a Lua script, which also publishes the change on
// the job's channel); when another process wrote in between, it reads again and merges again.
// Subscriptions share one connection in subscriber mode (such a connection takes no other
// command): one Redis SUBSCRIBE per job with open streams in this process.

/** Writes ARGV[2] at KEYS[1] if it still holds ARGV[1], and tells KEYS[2]'s subscribers. */
const COMPARE_AND_SET = `
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return 0 end
redis.call("SET", KEYS[1], ARGV[2], "KEEPTTL")
redis.call("PUBLISH", KEYS[2], "changed")
return 1
`;

/**
 * createProxyHandler's `jobRecords` on an ioredis client (`redis`, used for reads and writes;
 * a duplicate of it takes the subscriptions). `close()` ends that duplicate.
 */
export function redisJobRecords(redis, { prefix = "apiframe-reve:job:", ttlSeconds = 86_400 } = {}) {
  const key = (jobId) => `${prefix}${jobId}`;
  const channel = (jobId) => `${prefix}${jobId}:changes`;
  const subscriber = redis.duplicate();
  /** channel -> { listeners, ready }: the listeners of this process, and its SUBSCRIBE. */
  const channels = new Map();
  subscriber.on("message", (name) => {
    for (const listener of channels.get(name)?.listeners ?? []) listener();
  });

  return {
    /** The record of `jobId` (JSON text), or null. */
    get: (jobId) => redis.get(key(jobId)),

    /** Stores `record` for `jobId` unless it has one (a replayed submission keeps its record). */
    async open(jobId, record) {
      await redis.set(key(jobId), record, "EX", ttlSeconds, "NX");
    },

    /** Atomically: `merge(current)` and, when it returns a string, that written and published. */
    async update(jobId, merge) {
      for (;;) {
        const current = await redis.get(key(jobId));
        if (current === null) return;
        const next = merge(current);
        if (next === null || next === undefined) return;
        if (await redis.eval(COMPARE_AND_SET, 2, key(jobId), channel(jobId), current, next)) return;
      }
    },

    /** Calls `onChange()` at each change of `jobId`'s record; resolves to the function that stops it. */
    async subscribe(jobId, onChange) {
      const name = channel(jobId);
      let entry = channels.get(name);
      if (!entry) {
        entry = { listeners: new Set(), ready: subscriber.subscribe(name) };
        channels.set(name, entry);
      }
      entry.listeners.add(onChange);
      await entry.ready;
      return () => {
        entry.listeners.delete(onChange);
        if (entry.listeners.size > 0 || channels.get(name) !== entry) return;
        channels.delete(name);
        subscriber.unsubscribe(name).catch(() => {});
      };
    },

    /** Ends the subscriber connection. */
    close: () => subscriber.quit(),
  };
}
