// Stack buffers in the hot path (the URL lookup's 1 KB key) are always written before they are read; zeroing them
// for every log line cost more than the lookup itself.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
