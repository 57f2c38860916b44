// libFuzzer's entry for programs that have a main of their own (compiler-rt's FuzzerDriver.cpp). Defined
// by the libFuzzer runtime that `-sanitize=fuzzer` links in; only a fuzz build (scripts/fuzz.sh) calls it.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
