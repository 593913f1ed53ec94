//go:build linux

package hugepage

import (
	"syscall"
	"unsafe"
)

// Advise asks for huge pages for the whole capacity of s (call it before
// writing to the storage: pages already touched stay small) when that is
// 4 MiB or more.
func Advise[E any](s []E) {
	var e E
	n := uintptr(cap(s)) * unsafe.Sizeof(e)
	if n < minBytes {
		return
	}
	// madvise takes whole pages: the pages inside the storage.
	const page = 4096
	p := uintptr(unsafe.Pointer(unsafe.SliceData(s[:1])))
	start, end := (p+page-1)&^(page-1), (p+n)&^(page-1)
	b := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(s[:1])), start-p)), end-start)
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE)
}
