export { runWrapper, type WrapperContext } from './wrapper.js';
export { runCli } from './cli.js';
export { CrateStore, defaultStoreRoot, type CacheEvent } from './store/index.js';
export { openStore } from './open-store.js';
export { parseDepInfo, type DepInfo } from './dep-info.js';
export { which } from './key-inputs.js';
export { ensureNativeClient, NativeClientError, serverSocket, type NativeClient } from './native-client.js';
export { flushServer } from './server/flush.js';
export type { NotStored } from './rustc-runner.js';
export {
  buildRecorder,
  buildScriptReads,
  compileReads,
  processRole,
  readRecording,
  RecorderUnavailableError,
  type Read as RecordedRead,
  type ReaderReads,
  type RecordedProcess,
} from './recorder/index.js';
