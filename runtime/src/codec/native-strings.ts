/**
 * Driver side only: turns on msgpackr's native string extractor
 * (msgpackr-extract, an optional dependency) for every codec in this thread.
 * Importing msgpackr's main entry under Node does it: that entry loads the
 * addon and hands its extractor to the same unpack module that codec.ts
 * imports through `msgpackr/pack`. `MSGPACKR_NATIVE_ACCELERATION_DISABLED=true`
 * still turns it off, and without the addon msgpackr decodes in JS.
 *
 * Why only the driver: the extractor decodes large string-heavy values
 * ≈ 1.4–2× faster (10,000 objects of three strings, 1 KB strings) and small
 * ones no faster, while loading it (the addon, its loader and detect-libc,
 * which pulls in child_process) costs ≈ 15 ms of a starting worker thread,
 * which is on the way to the first task's result. The driver loads it while
 * its first thread boots.
 */
import "msgpackr";
