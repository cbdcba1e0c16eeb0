// LD_PRELOAD shim for populating the benchmark store only: fsync/fdatasync return at once.
// The timed listings run on a normally started server; the store is closed cleanly first.
#define _GNU_SOURCE
#include <fcntl.h>
int fsync(int fd) { (void)fd; return 0; }
int fdatasync(int fd) { (void)fd; return 0; }
int sync_file_range(int fd, off64_t o, off64_t n, unsigned int f) { (void)fd; (void)o; (void)n; (void)f; return 0; }
