#define _GNU_SOURCE
#include "CSystem.h"
#include <sys/random.h>
#include <sys/socket.h>

ssize_t mitreden_getrandom(void *buffer, size_t length, unsigned int flags) {
    return getrandom(buffer, length, flags);
}

int mitreden_accept4(int fd, struct sockaddr *address, unsigned int *length, int flags) {
    return accept4(fd, address, (socklen_t *)length, flags);
}
