// CRC-32C (Castagnoli), the checksum behind x-amz-checksum-crc32c. Uses the
// SSE4.2 crc32 instruction when the CPU has it (chosen once at run time),
// otherwise a slicing-by-8 table. Internal to the sigv4 layer.
// Thread-safety: pure functions.
#ifndef INVTRACK_SIGV4_CRC32C_H_
#define INVTRACK_SIGV4_CRC32C_H_

#include <cstddef>
#include <cstdint>

namespace invtrack::sigv4_internal {

// Extends `crc` (0 to start) over `size` bytes; the result is the finished
// CRC of everything so far, so calls can be chained.
uint32_t Crc32c(uint32_t crc, const void* data, size_t size);

// The two implementations, exposed so tests can check both agree.
uint32_t Crc32cPortable(uint32_t crc, const void* data, size_t size);
bool Crc32cHardwareAvailable();
// REQUIRES: Crc32cHardwareAvailable().
uint32_t Crc32cHardware(uint32_t crc, const void* data, size_t size);

}  // namespace invtrack::sigv4_internal

#endif  // INVTRACK_SIGV4_CRC32C_H_
