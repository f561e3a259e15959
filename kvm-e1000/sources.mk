# SPDX-License-Identifier: GPL-2.0
# The device core: plain C shared by the module, the unit tests and the fuzzer.
E1000_CORE_SRCS := core.c regs.c eeprom.c phy.c ring.c tx.c rx.c offload.c pci.c doorbell.c

# Kernel glue: module only.
E1000_GLUE_SRCS := main.c dev.c bar.c platform.c iobus.c irq.c tap.c worker.c datapath.c \
	mdev.c
