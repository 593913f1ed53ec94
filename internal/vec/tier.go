package vec

// tier is a level of SIMD kernels. A CPU at a tier runs that tier's kernel
// for an operation, or the highest lower tier's where its own tier has
// none (ReLUGrad32 has AVX2 code and no AVX-512 code, for example); tierGo
// is plain Go.
type tier int

const (
	tierGo     tier = iota // plain Go: other architectures, and amd64 CPUs without AVX2 and FMA
	tierAVX2               // AVX2 and FMA (YMM registers)
	tierAVX512             // AVX-512F as well (ZMM registers)
)

func (t tier) String() string {
	return [...]string{"Go", "AVX2", "AVX-512"}[t]
}

// cpuTier is the tier of this CPU, read once at start-up from
// golang.org/x/sys/cpu, which honours GODEBUG: cpu.avx512f=off gives
// tierAVX2 on an AVX-512 machine, cpu.avx2=off (or cpu.fma=off) tierGo.
var cpuTier = detectTier()
