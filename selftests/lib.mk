# SPDX-License-Identifier: GPL-2.0
#
# A minimal stand-in for the kernel's tools/testing/selftests/lib.mk, so
# that the test directories here keep the upstream form (TEST_GEN_PROGS,
# OUTPUT, run_tests) outside a kernel tree.
#
# KSFT_HARNESS_DIR: directory holding kselftest_harness.h and kselftest.h
# (scripts/lib.sh harness_fetch extracts them from Debian's linux-source).

OUTPUT ?= $(CURDIR)
CC ?= gcc

ifneq ($(KSFT_HARNESS_DIR),)
# Tests include "../kselftest_harness.h", as they do in a kernel tree.
CFLAGS += -I$(KSFT_HARNESS_DIR)/include
endif

TEST_GEN_PROGS := $(patsubst %,$(OUTPUT)/%,$(TEST_GEN_PROGS))
TEST_GEN_PROGS_EXTENDED := $(patsubst %,$(OUTPUT)/%,$(TEST_GEN_PROGS_EXTENDED))

all: $(TEST_GEN_PROGS) $(TEST_GEN_PROGS_EXTENDED)

$(OUTPUT)/%: %.c $(LOCAL_HDRS)
	@mkdir -p $(OUTPUT)
	$(CC) $(CFLAGS) $(CPPFLAGS) $(LDFLAGS) $< $(LDLIBS) -o $@

run_tests: all
	@for t in $(TEST_GEN_PROGS); do $$t || exit 1; done

clean:
	rm -f $(TEST_GEN_PROGS) $(TEST_GEN_PROGS_EXTENDED)

.PHONY: all run_tests clean
