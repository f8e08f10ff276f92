// A job store on Workers KV for createProxyHandler's `jobStore`: who submitted which job, so
// each signed-in user reads and lists only their own jobs, whichever isolate or location
// serves them. Keys:
//   owner:<jobId>                      -> the owner's identity
//   jobs:<owner>:<newest-first>:<jobId> -> "" (listed by prefix; KV lists keys in order)
// KV is eventually consistent across locations (a write can take up to a minute to show
// elsewhere): a job just submitted may be missing from a listing made far away for that long.
// Where that matters, back the same three methods with a Durable Object or a database.

const MAX = Number.MAX_SAFE_INTEGER;

/** @param {KVNamespace} kv */
export function kvJobStore(kv) {
  const prefix = (owner) => `jobs:${encodeURIComponent(owner)}:`;
  return {
    async get(jobId) {
      return kv.get(`owner:${jobId}`);
    },
    async put(jobId, owner) {
      // Newest first: the key sorts by time left until the end of safe integers.
      const order = String(MAX - Date.now()).padStart(16, "0");
      await kv.put(`owner:${jobId}`, owner);
      await kv.put(`${prefix(owner)}${order}:${jobId}`, "");
    },
    async list(owner, { limit, cursor }) {
      const page = await kv.list({ prefix: prefix(owner), limit, cursor });
      return {
        jobIds: page.keys.map((k) => k.name.slice(k.name.lastIndexOf(":") + 1)),
        cursor: page.list_complete ? null : page.cursor,
      };
    },
  };
}
