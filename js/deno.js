// Deno: the edge entry as it is (the whole module, loaded next to this file with a top-level
// await; Deno needs read access to it, as npm packages have).
export * from "./edge.js";
