#ifndef OSSBATCH_CLZMA_SHIM_H
#define OSSBATCH_CLZMA_SHIM_H
#include <lzma.h>
#endif
