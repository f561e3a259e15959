# SPDX-License-Identifier: GPL-2.0
# Paths relative to kvm-e1000/.
#
# The device core (core/): plain C shared by the module, the unit tests and
# the fuzzer; it includes only its own headers, compat.h and uapi headers
# (tools/check-core-includes.sh).
E1000_CORE_SRCS := $(addprefix core/,core.c regs.c eeprom.c phy.c ring.c tx.c \
	rx.c offload.c pci.c model.c state.c)

# Glue written against the core's interface alone, with no kernel header,
# so that the unit tests and the fuzzer drive the code the module runs.
E1000_SHIM_SRCS := doorbell.c

# Kernel glue: module only.
E1000_GLUE_SRCS := main.c dev.c vm.c bar.c platform.c iobus.c irq.c tap.c worker.c \
	datapath.c stats.c mdev.c vfio_dev.c vfio_irq.c vfio_mmap.c vfio_mig.c \
	migrate.c
