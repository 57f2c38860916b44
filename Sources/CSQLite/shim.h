#ifndef OSSBATCH_CSQLITE_SHIM_H
#define OSSBATCH_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
