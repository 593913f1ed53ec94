// Package hugepage asks the operating system to back a large array that is
// about to be filled with huge pages (2 MiB on x86-64 Linux) where it can,
// so that filling it costs one page fault per huge page instead of one per
// 4 KiB page. Go does not ask for huge pages for its heap, and where the
// system grants them only on request (Linux's transparent huge pages in
// "madvise" mode, as on the development machine) the faults of filling the
// columns of a large CSV were about a third of the time of reading it: a
// fault on a virtual machine costs microseconds.
//
// Advise is a hint: it changes no value, its errors are ignored, and on
// other systems it does nothing.
package hugepage

// minBytes is the smallest array worth a system call: two huge pages.
const minBytes = 4 << 20
