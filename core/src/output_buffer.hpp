// A growable byte buffer that the C interface can hand to its caller without a copy.
#ifndef SERAPLOT_OUTPUT_BUFFER_HPP
#define SERAPLOT_OUTPUT_BUFFER_HPP

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace seraplot::detail {

// Memory comes from malloc so that release() can pass it to callers who free it with
// seraplot_free. Every allocation failure throws std::bad_alloc.
class OutputBuffer {
public:
    OutputBuffer() = default;
    OutputBuffer(const OutputBuffer &) = delete;
    OutputBuffer &operator=(const OutputBuffer &) = delete;
    ~OutputBuffer() { std::free(data_); }

    const char *data() const { return data_; }
    char *data() { return data_; }
    size_t size() const { return size_; }
    std::string_view view() const { return {data_, size_}; }
    std::string_view view(size_t begin, size_t end) const { return {data_ + begin, end - begin}; }

    void reserve(size_t capacity) {
        if (capacity > capacity_) {
            grow_to(capacity);
        }
    }

    void push(char c) {
        if (size_ == capacity_) {
            grow_to(next_capacity(size_ + 1));
        }
        data_[size_++] = c;
    }

    // bytes may lie in this buffer past its end (PayloadReader::RawString reads a text there
    // while it writes the copy), so the copy tolerates overlap.
    void append(const char *bytes, size_t count) {
        if (count > capacity_ - size_) {
            grow_to(next_capacity(size_ + count));
        }
        if (count != 0) {
            std::memmove(data_ + size_, bytes, count);
        }
        size_ += count;
    }

    void append(std::string_view text) { append(text.data(), text.size()); }

    // Makes room for count bytes at the end and returns where they start; the caller fills
    // them in before the next call.
    char *extend(size_t count) {
        if (count > capacity_ - size_) {
            grow_to(next_capacity(size_ + count));
        }
        char *start = data_ + size_;
        size_ += count;
        return start;
    }

    void truncate(size_t size) {
        if (size < size_) {
            size_ = size;
        }
    }

    // Inserts bytes at offset, moving what follows.
    void insert(size_t offset, std::string_view bytes) {
        size_t moved = size_ - offset;
        extend(bytes.size());
        std::memmove(data_ + offset + bytes.size(), data_ + offset, moved);
        std::memcpy(data_ + offset, bytes.data(), bytes.size());
    }

    void swap(OutputBuffer &other) noexcept {
        std::swap(data_, other.data_);
        std::swap(size_, other.size_);
        std::swap(capacity_, other.capacity_);
    }

    // Hands the bytes, NUL-terminated, to the caller, who frees them with std::free.
    char *release() {
        push('\0');
        --size_;
        char *bytes = data_;
        data_ = nullptr;
        size_ = 0;
        capacity_ = 0;
        return bytes;
    }

private:
    static size_t next_capacity(size_t needed) {
        size_t doubled = needed < (SIZE_MAX / 2) ? needed * 2 : needed;
        return doubled < 256 ? 256 : doubled;
    }

    void grow_to(size_t capacity) {
        char *grown = static_cast<char *>(std::realloc(data_, capacity));
        if (grown == nullptr) {
            throw std::bad_alloc();
        }
        data_ = grown;
        capacity_ = capacity;
        ask_for_huge_pages();
    }

    // Offers a large buffer to the kernel's transparent huge pages, where the system enables
    // them for regions that ask (Linux, /sys/kernel/mm/transparent_hugepage/enabled). Writing
    // a fresh 50 MB buffer then takes about 25 page faults instead of about 12,000, which made
    // a large inline save about 20% faster on the benchmark's machine. The memory used
    // grows by at most one 2 MiB page at each end.
    void ask_for_huge_pages() {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        constexpr size_t kMinSize = size_t{8} << 20;
        constexpr uintptr_t kPage = 4096;
        if (capacity_ < kMinSize) {
            return;
        }
        uintptr_t start = (reinterpret_cast<uintptr_t>(data_) + kPage - 1) & ~(kPage - 1);
        uintptr_t end = (reinterpret_cast<uintptr_t>(data_) + capacity_) & ~(kPage - 1);
        if (end > start) {
            // A failure only loses the speed-up.
            ::madvise(reinterpret_cast<void *>(start), end - start, MADV_HUGEPAGE);
        }
#endif
    }

    char *data_ = nullptr;
    size_t size_ = 0;
    size_t capacity_ = 0;
};

}  // namespace seraplot::detail

#endif  // SERAPLOT_OUTPUT_BUFFER_HPP
