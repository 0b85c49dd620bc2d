#ifndef MITREDEN_CSQLITE_SHIM_H
#define MITREDEN_CSQLITE_SHIM_H
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a cast macro Swift cannot import: SQLite copies the bound bytes.
static inline sqlite3_destructor_type mitreden_sqlite_transient(void) { return SQLITE_TRANSIENT; }

/// sqlite3_config is variadic; the one option we need, made callable from Swift.
static inline int mitreden_sqlite_disable_memstatus(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
#endif
