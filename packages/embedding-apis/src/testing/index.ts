export * from "./embedding-stand-in.js";
