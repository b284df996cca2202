// tesseract.js's Node worker script, started with fetch disabled (test only): if anything in the
// OCR worker tried to download (the CDN defaults for the core or the traineddata), loading fails.
'use strict';
globalThis.fetch = async (url) => {
  throw new Error(`network access from the OCR worker: ${String(url)}`);
};
require(require.resolve('tesseract.js/src/worker-script/node/index.js'));
