#include "CSystem.h"
#include <sys/random.h>

ssize_t mitreden_getrandom(void *buffer, size_t length, unsigned int flags) {
    return getrandom(buffer, length, flags);
}
