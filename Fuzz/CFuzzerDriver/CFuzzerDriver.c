// Declarations only (include/CFuzzerDriver.h); SwiftPM needs a source file for a C target.
#include "CFuzzerDriver.h"
