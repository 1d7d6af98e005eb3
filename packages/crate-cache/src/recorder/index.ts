export {
  buildRecorder,
  RecorderUnavailableError,
  RECORDER_SOURCE,
  type BuildRecorderOptions,
  type RecorderUnavailableReason,
} from './build.js';
export {
  cleanPath,
  parseProcessLog,
  RecordingFormatError,
  FORMAT,
  type EnvEvent,
  type ExecEvent,
  type FileAccess,
  type OpenEvent,
  type PathResult,
  type ReaddirEvent,
  type RecordedEvent,
  type RecordedProcess,
  type StatEvent,
} from './log.js';
export { readRecording } from './read.js';
export {
  buildScriptReads,
  compileReads,
  processRole,
  setByCargo,
  type Classified,
  type IgnoredEvent,
  type NoiseRule,
  type ProcessRole,
  type Read,
  type Reader,
  type ReaderReads,
} from './reads.js';
