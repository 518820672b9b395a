/**
 * `@vlmopt/dataset-loaders/testing`: a stand-in file server on 127.0.0.1 (HTTP range requests,
 * as dataset hosts serve them) for testing downloads without the network.
 */
export { type FileServer, type ServedRequest, startFileServer } from "./download/file-server.test-helper.js";
