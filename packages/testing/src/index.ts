/**
 * @social-bridge/testing: what the project's tests, benchmarks and e2e share. For tests only;
 * no service imports it. See README.md.
 */
export {
  type ClipRecipe,
  cachedClipName,
  defaultMediaCacheDir,
  ensureClip,
  ffmpegArgs,
  SAMPLE_CLIPS,
  type SampleClipName,
  sampleClip,
  sampleMediaDir,
} from './media.js'
