/** Test helpers for other packages (`@vlmopt/clip-embedding/testing`): the local HF-hub stand-in. */
export {
  FAKE_COMMIT,
  type FakeHub,
  type FakeHubOptions,
  type HubRequest,
  startFakeHub,
} from "./hub-test-server.js";
