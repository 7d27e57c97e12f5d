#ifndef BELAY_CRC32C_H
#define BELAY_CRC32C_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* CRC-32C with the processor's own instruction (SSE 4.2 on x86-64), eight bytes per instruction:
 * the journal checks one on every line it reads, and a table takes several times as long.
 * Swift cannot reach the instruction itself, hence this header. */

#if defined(__x86_64__)
#include <cpuid.h>

/** Whether this processor has the instruction (asked once per process). */
static inline int belay_crc32c_hardware(void) {
    static int known = -1;
    if (known < 0) {
        unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
        known = __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & bit_SSE4_2) ? 1 : 0;
    }
    return known;
}

/** Continues `crc` (the running, not yet inverted value) over `count` bytes; only when
 *  `belay_crc32c_hardware()` says so. */
__attribute__((target("sse4.2")))
static inline uint32_t belay_crc32c_update(uint32_t crc, const uint8_t *bytes, size_t count) {
    uint64_t wide = crc;
    while (count >= 8) {
        uint64_t word;
        memcpy(&word, bytes, 8);
        wide = __builtin_ia32_crc32di(wide, word);
        bytes += 8;
        count -= 8;
    }
    uint32_t narrow = (uint32_t)wide;
    while (count > 0) {
        narrow = __builtin_ia32_crc32qi(narrow, *bytes);
        bytes += 1;
        count -= 1;
    }
    return narrow;
}
#else
static inline int belay_crc32c_hardware(void) { return 0; }
static inline uint32_t belay_crc32c_update(uint32_t crc, const uint8_t *bytes, size_t count) {
    (void)bytes; (void)count;
    return crc;
}
#endif

#endif
