export * from "@apache-annotator/dom";
export { makeRefinable } from "@apache-annotator/selector";
