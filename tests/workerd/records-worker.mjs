// durableJobRecords and JobRecordsObject on their own, in a Worker: the four methods of
// `jobRecords` as the proxy calls them, against a subclass that keeps records for 300 ms.
import { ApiframeError, JobRecordsObject, durableJobRecords } from "apiframe-reve";

/** The package's class with a shorter day, so the test sees its alarm delete the record. */
export class ShortRecords extends JobRecordsObject {
  keepMs = 300;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export default {
  async fetch(request, env) {
    const { pathname, searchParams } = new URL(request.url);
    const id = searchParams.get("id") ?? "job";
    const records = durableJobRecords(env.RECORDS);
    switch (pathname) {
      case "/open":
        await records.open(id, searchParams.get("record"));
        return Response.json({ record: await records.get(id) });
      case "/get":
        return Response.json({ record: await records.get(id) });
      // Ten updates at once, each adding its number to a list: each must land once, whatever
      // the order (a write that lost the race merges again). A subscriber hears each change.
      case "/concurrent": {
        await records.open(id, "[]");
        let heard = 0;
        const stop = await records.subscribe(id, () => heard++);
        let merges = 0;
        await Promise.all(Array.from({ length: 10 }, (_, n) => records.update(id, (current) => {
          merges++;
          return JSON.stringify([...JSON.parse(current), n]);
        })));
        // An update that changes nothing writes nothing, and tells nobody.
        await records.update(id, () => null);
        for (let i = 0; i < 200 && heard < 10; i++) await sleep(10);
        stop();
        const missing = [];
        await records.update(`${id}-none`, (current) => missing.push(current));
        return Response.json({ list: JSON.parse(await records.get(id)), heard, merges, missing });
      }
      case "/not-a-namespace":
        try {
          durableJobRecords(env.NOT_BOUND);
          return Response.json({ threw: false });
        } catch (e) {
          return Response.json({ threw: true, isApiframeError: e instanceof ApiframeError, code: e.code, message: e.message });
        }
      default:
        return new Response("Not found", { status: 404 });
    }
  },
};
