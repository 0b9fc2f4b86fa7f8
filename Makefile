# SPDX-License-Identifier: GPL-2.0
#
# namedshm: kernel module, libnamedshm and selftests.
#
#   make            module (if this kernel's headers exist), library, tests
#   make deps       install every package the matrix needs (root or sudo)
#   make demo       two processes sharing memory by name, in the test VM
#   make check      every selftest on every entry of the matrix, in QEMU
#   make install    library, headers, pkg-config files, the namedshm
#                   command and the man pages (PREFIX, DESTDIR)
#   make deb        Debian packages (debian/, dh + DKMS) into build/deb, lintian
#   make deb-check  (root) deb, install with apt, DKMS builds for every
#                   kernel, the VM suite with the DKMS-built module, purge
#   make lint       checkpatch --strict and clang-format on the kernel code
#   make stress     a long stress run in the VM (DURATION=s, KERNEL=k)
#   make fuzz       a long ioctl/mmap fuzzing run (CALLS=n, SEED=s)
#   make mutants    the selftests against deliberately broken modules and
#                   libraries (mutants/; KERNEL=k, default 6.12)
#   make bench      the benchmark against POSIX shm, memfd and SysV
#   make module     the module for the running kernel (KDIR=... to choose)
#   make modules_install   install it for the running kernel
#
# Everything builds below build/ (build/ARCH/ for another architecture's
# user space); kernels and downloads are cached in /var/cache/namedshm
# (root) or ~/.cache/namedshm (NAMEDSHM_CACHE).  KERNEL is a matrix entry
# ([ARCH:]VERSION, e.g. 6.12, arm64:6.12, i386:6.12, 7.2).

BUILD := $(CURDIR)/build
KDIR ?= /lib/modules/$(shell uname -r)/build
PREFIX ?= /usr/local

# Selftests run in a busybox guest: link them statically.
# TEST_EXTRA_CFLAGS: added by scripts/lib/userland.sh for 32-bit user space.
TEST_CFLAGS := -static -Werror -Wall -O2 $(TEST_EXTRA_CFLAGS)
SELFTEST_DIRS := selftests/namedshm

.PHONY: all tools examples lib module module-if-headers modules_install tests harness \
	check demo deps install clean lint stress fuzz mutants

all: module-if-headers lib tools tests examples

# namedshm(1), the command (tools/).
tools: lib
	$(MAKE) -C tools O=$(BUILD)/tools LIB=$(BUILD)/userspace

lib:
	$(MAKE) -C userspace O=$(BUILD)/userspace

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

module-if-headers:
	@if [ -d "$(KDIR)" ]; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) modules; \
	else \
		echo "note: no headers at $(KDIR): module not built for" \
		     "$$(uname -r) (make check builds it for each test kernel)"; \
	fi

modules_install:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

harness:
	@mkdir -p $(BUILD)
	@bash -c '. scripts/lib.sh && harness_fetch' >$(BUILD)/.harness-dir

tests: harness lib
	@for d in $(SELFTEST_DIRS); do \
		CFLAGS="$(TEST_CFLAGS)" $(MAKE) -C $$d \
			OUTPUT=$(BUILD)/selftests \
			KSFT_HARNESS_DIR=$$(cat $(BUILD)/.harness-dir) \
			KHDR_INCLUDES="-I$(CURDIR)/include -I$(CURDIR)/include/uapi" \
			NAMEDSHM_LIB=$(BUILD)/userspace || exit 1; \
	done
	@# The CE / Win32 layer's own tests (userspace/test), for the VM too.
	$(MAKE) -C userspace/test O=$(BUILD)/selftests LIB=$(BUILD)/userspace \
		KSFT_HARNESS_DIR=$$(cat $(BUILD)/.harness-dir)
	@# namedshm(1), static, and its test script, for the VM too.
	$(MAKE) -C tools O=$(BUILD)/tools LIB=$(BUILD)/userspace
	cp $(BUILD)/tools/namedshm-static $(BUILD)/selftests/namedshm_cmd
	cp tools/tests/namedshm_cmd_test $(BUILD)/selftests/

# Examples link statically against libnamedshm.a so they run in the VM.
EXAMPLES := native-writer native-reader ce-writer ce-reader ce-file \
	ce-producer ce-consumer
# Written as for Windows (<windows.h>, <tchar.h>, _tmain): built unchanged
# through the Win32 include directory, ANSI and UNICODE, as C and C++.
WIN32_EXAMPLES := $(foreach p,win32-writer win32-reader,\
	$(foreach v,ansi-c unicode-c ansi-cxx unicode-cxx,$(p)-$(v)))
EXAMPLE_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -static \
	-I$(CURDIR)/include -I$(CURDIR)/include/uapi

examples: lib $(patsubst %,$(BUILD)/examples/%,$(EXAMPLES) $(WIN32_EXAMPLES))

$(BUILD)/examples/%: examples/%.c examples/*.h include/*.h \
		$(BUILD)/userspace/libnamedshm.a
	@mkdir -p $(dir $@)
	$(CC) $(EXAMPLE_CFLAGS) $< -L$(BUILD)/userspace \
		-l:libnamedshm-win32.a -pthread -o $@
	@# CE examples must also build as UNICODE programs.
	@case $< in examples/ce-*) \
		$(CC) $(EXAMPLE_CFLAGS) -DUNICODE -fsyntax-only $< ;; esac

W32_EX_FLAGS := -Wall -Wextra -Werror -O2 -static -I$(CURDIR)/include/win32 \
	-I$(CURDIR)/include -I$(CURDIR)/include/uapi
W32_EX_LIBS := -L$(BUILD)/userspace -l:libnamedshm-win32main.a \
	-l:libnamedshm-win32.a -pthread
W32_UNICODE := -DUNICODE -D_UNICODE -fshort-wchar
W32_EX_DEPS = examples/win32-board.h include/*.h include/win32/*.h \
	$(BUILD)/userspace/libnamedshm-win32.a

$(BUILD)/examples/%-ansi-c: examples/%.c $(W32_EX_DEPS)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(W32_EX_FLAGS) $< $(W32_EX_LIBS) -o $@
$(BUILD)/examples/%-unicode-c: examples/%.c $(W32_EX_DEPS)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(W32_EX_FLAGS) $(W32_UNICODE) $< $(W32_EX_LIBS) -o $@
$(BUILD)/examples/%-ansi-cxx: examples/%.c $(W32_EX_DEPS)
	@mkdir -p $(dir $@)
	$(CXX) -std=c++11 $(W32_EX_FLAGS) -x c++ $< -x none $(W32_EX_LIBS) -o $@
$(BUILD)/examples/%-unicode-cxx: examples/%.c $(W32_EX_DEPS)
	@mkdir -p $(dir $@)
	$(CXX) -std=c++11 $(W32_EX_FLAGS) $(W32_UNICODE) -x c++ $< -x none \
		$(W32_EX_LIBS) -o $@

check:
	bash scripts/check

# Every package the matrix (NAMEDSHM_MATRIX) needs: as root, or through
# sudo for an ordinary user.
deps:
	@if [ "$$(id -u)" = 0 ]; then bash scripts/deps; \
	else sudo env NAMEDSHM_MATRIX="$$NAMEDSHM_MATRIX" bash scripts/deps; fi

lint:
	bash scripts/lint

.PHONY: deb deb-check
deb:
	scripts/deb-build

deb-check:
	scripts/deb-check

# Long runs in the test VM (make check runs bounded ones):
#   make stress [KERNEL=6.12] [DURATION=600] [SEED=n]
#   make fuzz   [KERNEL=6.12] [CALLS=1000000] [SEED=n]
stress fuzz:
	KERNEL="$(KERNEL)" DURATION="$(DURATION)" CALLS="$(CALLS)" \
		SEED="$(SEED)" bash scripts/long-run $@

# Slow (one guest per mutant), so not part of make check: see TESTING.md.
mutants:
	$(if $(KERNEL),NAMEDSHM_MUTANTS_KERNEL=$(KERNEL)) bash scripts/mutants

demo:
	bash scripts/demo $(if $(KERNEL),--kernel $(KERNEL))

install: tools
	$(MAKE) -C userspace O=$(BUILD)/userspace PREFIX=$(PREFIX) install
	$(MAKE) -C tools O=$(BUILD)/tools LIB=$(BUILD)/userspace \
		PREFIX=$(PREFIX) install
	$(MAKE) -C man PREFIX=$(PREFIX) install

clean:
	rm -rf $(BUILD)
	rm -f module/*.o module/.*.cmd *.o *.ko *.mod *.mod.c .*.cmd \
		Module.symvers modules.order

# Benchmarks, not tests (make check never runs them): see BENCHMARKS.md.
#   make bench [KERNEL="6.1 6.12"] [QUICK=1] [ONLY=B1,B4,S1]
.PHONY: bench
bench:
	bash scripts/bench $(if $(KERNEL),--kernel "$(KERNEL)") \
		$(if $(QUICK),--quick) $(if $(ONLY),--only "$(ONLY)")
