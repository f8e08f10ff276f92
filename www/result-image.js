// The result's picture and its Download link, both from the job's downloaded bytes. Until
// they arrive, and when they cannot (the outputs expired), the frame says so in words and the
// link has nothing to download: never a broken image.
import { ImageSlot, describeProblem } from "./images.js";

const $ = (id) => document.getElementById(id);
const slot = new ImageSlot();

/** Shows the image of `entry.job`, downloaded with `client`; replaces (and frees) the last one. */
export function showResultImage(client, entry, explain) {
  const image = $("image");
  const link = $("download");
  const note = $("image-note");
  image.hidden = true;
  image.removeAttribute("src");
  image.alt = entry.prompt;
  link.removeAttribute("href");
  link.setAttribute("aria-disabled", "true");
  note.textContent = "Downloading the image…";
  note.hidden = false;
  delete note.dataset.code;
  $("image-url").hidden = false;
  image.onerror = () => {
    if (!image.getAttribute("src")) return;
    image.hidden = true;
    note.textContent = "The downloaded file could not be shown as an image.";
    note.hidden = false;
  };
  slot.show(client, entry.job, {
    image: ({ src, extension }) => {
      image.src = src;
      image.hidden = false;
      note.hidden = true;
      link.href = src;
      link.setAttribute("download", `reve-${entry.seed}-${entry.ratio.replace(":", "x")}.${extension}`);
      link.removeAttribute("aria-disabled");
    },
    problem: (e) => {
      note.textContent = describeProblem(e, explain);
      note.dataset.code = e?.code ?? "error";
      // The output's address leads nowhere once it is gone.
      if (e?.code === "not_found") $("image-url").hidden = true;
    },
  });
}
