#ifndef MITREDEN_CSYSTEM_H
#define MITREDEN_CSYSTEM_H
/* Linux calls that Swift's Glibc module does not expose. */
#include <stddef.h>
#include <sys/types.h>

/// getrandom(2): bytes from the kernel's secure random source.
ssize_t mitreden_getrandom(void *buffer, size_t length, unsigned int flags);
struct sockaddr;
/// accept4(2): accept with flags (SOCK_CLOEXEC) in one call.
int mitreden_accept4(int fd, struct sockaddr *address, unsigned int *length, int flags);
#endif
