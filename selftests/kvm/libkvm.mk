# SPDX-License-Identifier: GPL-2.0
#
# Read by make after the upstream KVM selftests Makefile (make -f Makefile
# -f libkvm.mk): 6.1's Makefile has no rule for an archive of its library,
# so add one over the object list it already defines.

$(OUTPUT)/libkvm.a: $(LIBKVM_OBJS)
	$(AR) crs $@ $^
