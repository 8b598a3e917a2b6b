// libFuzzer's driver, declared for the fuzz targets' entry points. Only a fuzzing build
// (-sanitize=fuzzer, which links libFuzzer) calls it; a normal build never references it.
#ifndef CFUZZER_H
#define CFUZZER_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
