# SPDX-License-Identifier: GPL-2.0
#
# namedshm: kernel module, libnamedshm and selftests.
#
#   make            module (if this kernel's headers exist), library, tests
#   make demo       two processes sharing memory by name, in the test VM
#   make check      every selftest on every kernel of the matrix, in QEMU
#   make install    library, headers, pkg-config files, the namedshm
#                   command and the man pages (PREFIX, DESTDIR)
#   make deb        Debian packages (debian/, dh + DKMS) into build/deb, lintian
#   make deb-check  (root) deb, install with apt, DKMS builds for every
#                   kernel, the VM suite with the DKMS-built module, purge
#   make lint       checkpatch --strict and clang-format on the kernel code
#   make stress     a long stress run in the VM (DURATION=s, KERNEL=k)
#   make fuzz       a long ioctl/mmap fuzzing run (CALLS=n, SEED=s)
#   make bench      the benchmark against POSIX shm, memfd and SysV
#   make module     the module for the running kernel (KDIR=... to choose)
#   make modules_install   install it for the running kernel
#
# Everything builds below build/; kernels and downloads are cached in
# /var/cache/namedshm (NAMEDSHM_CACHE).

BUILD := $(CURDIR)/build
KDIR ?= /lib/modules/$(shell uname -r)/build
PREFIX ?= /usr/local

# Selftests run in a busybox guest: link them statically.
TEST_CFLAGS := -static -Werror -Wall -O2
SELFTEST_DIRS := selftests/namedshm

.PHONY: all tools examples lib module module-if-headers modules_install tests harness \
	check demo install clean lint stress fuzz

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
EXAMPLES := native-writer native-reader ce-writer ce-reader ce-file
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
DURATION ?= 600
CALLS ?= 1000000
VM_KERNEL = $(if $(KERNEL),--kernel $(KERNEL))

stress: tests
	scripts/vm-run $(VM_KERNEL) --timeout $$(($(DURATION) + 900)) \
		--add $(BUILD)/selftests/namedshm_stress \
		-- ./namedshm_stress -d $(DURATION) $(if $(SEED),-s $(SEED))

fuzz: tests
	scripts/vm-run $(VM_KERNEL) --timeout 7200 \
		--add $(BUILD)/selftests/namedshm_fuzz \
		-- ./namedshm_fuzz -n $(CALLS) $(if $(SEED),-s $(SEED))

demo:
	bash scripts/demo

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
#   make bench [KERNEL="6.1 6.12"] [QUICK=1] [ONLY=B1,B4]
.PHONY: bench
bench:
	bash scripts/bench $(if $(KERNEL),--kernel "$(KERNEL)") \
		$(if $(QUICK),--quick) $(if $(ONLY),--only "$(ONLY)")
