// Marks the span of a benchmark that callgrind counts (`make profile`): the
// bench runs under `valgrind --tool=callgrind --instr-atstart=no`, so setup
// and warm-up run uninstrumented and only the marked passes are counted.
// Outside valgrind every call is a handful of instructions and does nothing.
#ifndef TOKENAUDIT_C_INSTRUCTION_COUNTER_H
#define TOKENAUDIT_C_INSTRUCTION_COUNTER_H

/// Whether the process runs under valgrind.
int ta_under_valgrind(void);

/// Starts instrumenting and counting from zero, in every thread.
void ta_instructions_begin(void);

/// Writes the counts since `ta_instructions_begin` to a callgrind dump
/// (`<out-file>.1`, …) labelled `label`, then stops instrumenting.
void ta_instructions_end(const char *label);

#endif
