// See the header. The client requests are valgrind's own macros (valgrind's
// Debian package ships the headers): special no-op instruction sequences that
// valgrind recognises and a CPU runs through.
#include "CInstructionCounter.h"

#include <valgrind/callgrind.h>
#include <valgrind/valgrind.h>

int ta_under_valgrind(void) { return RUNNING_ON_VALGRIND ? 1 : 0; }

void ta_instructions_begin(void) {
  CALLGRIND_START_INSTRUMENTATION;
  CALLGRIND_ZERO_STATS;
}

void ta_instructions_end(const char *label) {
  CALLGRIND_DUMP_STATS_AT(label);
  CALLGRIND_STOP_INSTRUMENTATION;
}
