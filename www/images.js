// A job's image on the page, from the bytes `client.downloadImages` fetched (no key, no
// cookie goes to the output host): shown through an object URL that this module revokes when
// the image is replaced, and whose download is aborted when its place is given up.

/** The image types the page shows, with the extension of their file. Anything else (an SVG,
 * which could run script when opened from a blob URL of this page) is not shown. */
const EXTENSIONS = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif", "image/avif": "avif" };

/** What the page says when a job's outputs are gone (the library's `not_found`). */
export const DELETED = "These images were deleted: Apiframe keeps outputs for 24 hours.";

/** One place showing one image at a time: a card, or the result. It owns at most one
 * download (aborted when another starts or the place is cleared) and one object URL (revoked
 * then). */
export class ImageSlot {
  #controller = null;
  #objectUrl = null;

  /** Downloads the first image of `job` and calls `image({ src, extension, url })`, or
   * `problem(error)`. Neither is called once a later `show` or `clear` took the place over. */
  async show(client, job, { image, problem }) {
    this.clear();
    const controller = new AbortController();
    this.#controller = controller;
    let first;
    let error;
    try {
      [first] = await client.downloadImages(job, { signal: controller.signal });
    } catch (e) {
      error = e;
    }
    if (this.#controller !== controller) return; // replaced or cleared meanwhile
    this.#controller = null;
    const extension = EXTENSIONS[first?.mediaType];
    if (!error && !extension) error = Object.assign(new Error(`not an image the page shows (${first?.mediaType ?? "nothing"})`), { code: "not_an_image" });
    if (error) {
      problem(error);
      return;
    }
    this.#objectUrl = URL.createObjectURL(new Blob([first.bytes], { type: first.mediaType }));
    image({ src: this.#objectUrl, extension, url: first.url });
  }

  /** Gives the place up: aborts its download, revokes its object URL. */
  clear() {
    this.#controller?.abort(new DOMException("The image was replaced", "AbortError"));
    this.#controller = null;
    if (this.#objectUrl) URL.revokeObjectURL(this.#objectUrl);
    this.#objectUrl = null;
  }
}

/** A failed download in plain words; `explain` is the page's wording of other errors. */
export function describeProblem(e, explain) {
  if (e?.code === "not_found") return DELETED;
  if (e?.code === "not_an_image") return `This output is ${e.message}.`;
  return `The image could not be downloaded. ${explain(e).text}`;
}
