// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO route as a VMM sees it, without a VMM: an mdev created through
 * sysfs, its group put in a type1 container and linked to a KVM VM by the
 * VFIO-KVM device (what QEMU does), then the device fd's ioctls and
 * regions driven directly.  Corner cases of region info, region bounds,
 * SET_IRQS, mmap, reopen and removal while open; each mdev type's model
 * as its configuration space, EEPROM and PHY show it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <net/if.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "kselftest_harness.h"
#include "e1000_test.h"

#define TYPE_GLOB	"/sys/class/mdev_bus/*/mdev_supported_types/" \
			"kvm-e1000-%s"
#define TYPE_82540EM	"82540EM"
#define TYPE_82545EM	"82545EM"
#define MDEV_DEVICES	"/sys/bus/mdev/devices"
#define REGION_SHIFT	40
#define REGION(i)	((off_t)(i) << REGION_SHIFT)
#define BAR0_SIZE	0x20000		/* 128 KiB, 82540EM memory BAR */
#define CFG_SIZE	256

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	TEST_ASSERT(fd >= 0, "open(%s): %s", path, strerror(errno));
	TEST_ASSERT(write(fd, s, strlen(s)) == (ssize_t)strlen(s),
		    "write(%s, %s): %s", path, s, strerror(errno));
	close(fd);
}

static void type_dir(const char *type, char *out, size_t size)
{
	char pattern[128];
	glob_t g;

	snprintf(pattern, sizeof(pattern), TYPE_GLOB, type);
	TEST_ASSERT(!glob(pattern, 0, NULL, &g) && g.gl_pathc == 1,
		    "no kvm-e1000 mdev type (%s)", pattern);
	snprintf(out, size, "%s", g.gl_pathv[0]);
	globfree(&g);
}

static void new_uuid(char *uuid, size_t size)
{
	static unsigned int n;

	snprintf(uuid, size, "e1000000-0000-4000-8000-%012x",
		 (unsigned int)getpid() << 8 | n++);
}

static void mdev_create(const char *type, const char *uuid)
{
	char path[300];

	type_dir(type, path, sizeof(path) - 8);
	strcat(path, "/create");
	write_file(path, uuid);
}

static bool mdev_exists(const char *uuid)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s", uuid);
	return !stat(path, &st);
}

static void mdev_remove(const char *uuid)
{
	char path[128];

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/remove", uuid);
	write_file(path, "1");
}

static int group_of(const char *uuid)
{
	char path[128], link[128];
	ssize_t n;

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/iommu_group", uuid);
	n = readlink(path, link, sizeof(link) - 1);
	TEST_ASSERT(n > 0, "readlink(%s): %s", path, strerror(errno));
	link[n] = 0;
	return atoi(strrchr(link, '/') + 1);
}

/*
 * What a VMM holds: the VM (with a vCPU if asked for), the container, the
 * group, the device.
 */
struct vmm {
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu;
	int container, group, kvm_vfio, dev;
	char uuid[40];
};

static int open_device(struct vmm *v)
{
	return ioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, v->uuid);
}

/*
 * An mdev of @type, opened with binding @b (or none); @b's uuid is set.
 * With @guest_code the VM has one vCPU that runs it.
 */
static void vmm_open_in(struct vmm *v, const char *type,
			struct kvm_e1000_mdev_bind *b, void *guest_code)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_VFIO };
	struct kvm_device_attr attr = {
		.group = KVM_DEV_VFIO_GROUP,
		.attr = KVM_DEV_VFIO_GROUP_ADD,
	};
	char path[64];

	TEST_ASSERT(!system("modprobe vfio_iommu_type1"),
		    "modprobe vfio_iommu_type1");
	memset(v, 0, sizeof(*v));
	new_uuid(v->uuid, sizeof(v->uuid));
	mdev_create(type, v->uuid);
	if (guest_code)
		v->vm = vm_create_with_one_vcpu(&v->vcpu, guest_code);
	else
		v->vm = vm_create_barebones();

	v->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	TEST_ASSERT(v->container >= 0, "/dev/vfio/vfio: %s", strerror(errno));
	snprintf(path, sizeof(path), "/dev/vfio/%d", group_of(v->uuid));
	v->group = open(path, O_RDWR | O_CLOEXEC);
	TEST_ASSERT(v->group >= 0, "%s: %s", path, strerror(errno));
	TEST_ASSERT(!ioctl(v->group, VFIO_GROUP_GET_STATUS, &status) &&
		    (status.flags & VFIO_GROUP_FLAGS_VIABLE),
		    "group not viable");
	TEST_ASSERT(!ioctl(v->group, VFIO_GROUP_SET_CONTAINER, &v->container),
		    "VFIO_GROUP_SET_CONTAINER: %s", strerror(errno));
	TEST_ASSERT(!ioctl(v->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU),
		    "VFIO_SET_IOMMU: %s", strerror(errno));

	/* QEMU's link of the group to its VM: the device model needs it. */
	vm_ioctl(v->vm, KVM_CREATE_DEVICE, &cd);
	v->kvm_vfio = cd.fd;
	attr.addr = (uint64_t)(unsigned long)&v->group;
	TEST_ASSERT(!ioctl(v->kvm_vfio, KVM_SET_DEVICE_ATTR, &attr),
		    "KVM_DEV_VFIO_GROUP_ADD: %s", strerror(errno));

	if (b) {
		int ctl = e1000_open_ctl();

		snprintf(b->uuid, sizeof(b->uuid), "%s", v->uuid);
		TEST_ASSERT(!ioctl(ctl, KVM_E1000_MDEV_BIND, b),
			    "KVM_E1000_MDEV_BIND: %s", strerror(errno));
		close(ctl);
	}
	v->dev = open_device(v);
	TEST_ASSERT(v->dev >= 0, "VFIO_GROUP_GET_DEVICE_FD: %s",
		    strerror(errno));
}

static void vmm_open_with(struct vmm *v, const char *type,
			  struct kvm_e1000_mdev_bind *b)
{
	vmm_open_in(v, type, b, NULL);
}

static void vmm_open(struct vmm *v)
{
	vmm_open_with(v, TYPE_82540EM, NULL);
}

static void vmm_close(struct vmm *v)
{
	if (v->dev >= 0)
		close(v->dev);
	close(v->kvm_vfio);
	close(v->group);
	close(v->container);
	kvm_vm_free(v->vm);
	if (mdev_exists(v->uuid))
		mdev_remove(v->uuid);
}

static uint32_t rd32(struct vmm *v, int region, off_t off)
{
	uint32_t val;

	TEST_ASSERT(pread(v->dev, &val, 4, REGION(region) + off) == 4,
		    "pread(%d, %#lx): %s", region, (long)off, strerror(errno));
	return val;
}

static void wr32(struct vmm *v, int region, off_t off, uint32_t val)
{
	TEST_ASSERT(pwrite(v->dev, &val, 4, REGION(region) + off) == 4,
		    "pwrite(%d, %#lx): %s", region, (long)off, strerror(errno));
}

/* ---- GET_INFO and GET_REGION_INFO ---- */

TEST(vfio_info)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_region_info r = { .argsz = sizeof(r) };
	static const uint64_t size[VFIO_PCI_NUM_REGIONS] = {
		[VFIO_PCI_BAR0_REGION_INDEX] = BAR0_SIZE,
		[VFIO_PCI_BAR2_REGION_INDEX] = 0x40,	/* IOADDR, IODATA */
		[VFIO_PCI_CONFIG_REGION_INDEX] = CFG_SIZE,
	};
	struct vmm v;
	unsigned int i;

	vmm_open(&v);
	ASSERT_EQ(0, ioctl(v.dev, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_EQ(VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET,
		  info.flags & (VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET));
	EXPECT_EQ(VFIO_PCI_NUM_REGIONS, info.num_regions);
	EXPECT_EQ(VFIO_PCI_NUM_IRQS, info.num_irqs);
	info.argsz = 4;
	EXPECT_EQ(-1, ioctl(v.dev, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_EQ(EINVAL, errno);

	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		r.argsz = sizeof(r);
		r.index = i;
		ASSERT_EQ(0, ioctl(v.dev, VFIO_DEVICE_GET_REGION_INFO, &r));
		EXPECT_EQ(size[i], r.size);
		EXPECT_EQ((uint64_t)REGION(i), r.offset);
		/* Not implemented: no access at all; no mmap without pages. */
		EXPECT_EQ(size[i] ? VFIO_REGION_INFO_FLAG_READ |
				    VFIO_REGION_INFO_FLAG_WRITE : 0, r.flags);
	}
	r.index = VFIO_PCI_NUM_REGIONS;
	EXPECT_EQ(-1, ioctl(v.dev, VFIO_DEVICE_GET_REGION_INFO, &r));
	EXPECT_EQ(EINVAL, errno);
	r.index = 0;
	r.argsz = 8;
	EXPECT_EQ(-1, ioctl(v.dev, VFIO_DEVICE_GET_REGION_INFO, &r));
	EXPECT_EQ(EINVAL, errno);
	vmm_close(&v);
}

/* ---- Region reads and writes: what is inside, and what is not ---- */

TEST(vfio_region_bounds)
{
	uint8_t buf[16];
	struct vmm v;

	vmm_open(&v);
	/* The 82540EM's identity, and a register through BAR0 and BAR2. */
	EXPECT_EQ(0x100e8086, rd32(&v, VFIO_PCI_CONFIG_REGION_INDEX, 0));
	wr32(&v, VFIO_PCI_BAR0_REGION_INDEX, E1000_RDTR, 0x123);
	EXPECT_EQ(0x123, rd32(&v, VFIO_PCI_BAR0_REGION_INDEX, E1000_RDTR));
	wr32(&v, VFIO_PCI_BAR2_REGION_INDEX, 0, E1000_RDTR);
	EXPECT_EQ(0x123, rd32(&v, VFIO_PCI_BAR2_REGION_INDEX, 4));

	/* Past the end: refused; across the end: the part inside. */
	EXPECT_EQ(-1, pread(v.dev, buf, 4,
			    REGION(VFIO_PCI_BAR0_REGION_INDEX) + BAR0_SIZE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pread(v.dev, buf, 4,
			    REGION(VFIO_PCI_CONFIG_REGION_INDEX) + CFG_SIZE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(2, pread(v.dev, buf, 4,
			   REGION(VFIO_PCI_CONFIG_REGION_INDEX) + CFG_SIZE - 2));
	/* Regions that are not there, and offsets beyond every region. */
	EXPECT_EQ(-1, pread(v.dev, buf, 4, REGION(VFIO_PCI_BAR1_REGION_INDEX)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pread(v.dev, buf, 4, REGION(VFIO_PCI_ROM_REGION_INDEX)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pread(v.dev, buf, 4, REGION(VFIO_PCI_NUM_REGIONS)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pwrite(v.dev, buf, 4, REGION(200)));
	EXPECT_EQ(EINVAL, errno);
	/* Unaligned and odd sizes are split, never refused inside. */
	EXPECT_EQ(7, pread(v.dev, buf, 7,
			   REGION(VFIO_PCI_CONFIG_REGION_INDEX) + 1));
	EXPECT_EQ(0x80, buf[0]);	/* vendor 0x8086, high byte */
	EXPECT_EQ(0x0e, buf[1]);	/* device 0x100e, low byte */
	vmm_close(&v);
}

/* ---- Models: each mdev type is its part ---- */

static uint32_t cfg_rd(struct vmm *v, off_t off, size_t len)
{
	uint32_t val = 0;

	TEST_ASSERT(pread(v->dev, &val, len,
			  REGION(VFIO_PCI_CONFIG_REGION_INDEX) + off) ==
		    (ssize_t)len, "config read %#lx: %s", (long)off,
		    strerror(errno));
	return val;
}

static void cfg_wr(struct vmm *v, off_t off, size_t len, uint32_t val)
{
	TEST_ASSERT(pwrite(v->dev, &val, len,
			   REGION(VFIO_PCI_CONFIG_REGION_INDEX) + off) ==
		    (ssize_t)len, "config write %#lx: %s", (long)off,
		    strerror(errno));
}

/* The capability IDs in list order, as pci_find_capability() walks them. */
static unsigned int cap_ids(struct vmm *v, uint8_t *ids, unsigned int max)
{
	unsigned int n = 0;
	uint8_t pos;

	if (!(cfg_rd(v, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	for (pos = cfg_rd(v, PCI_CAPABILITY_LIST, 1); pos && n < max;
	     pos = cfg_rd(v, pos + PCI_CAP_LIST_NEXT, 1))
		ids[n++] = cfg_rd(v, pos, 1);
	return n;
}

/* A register of BAR0 as the guest's driver reaches it, through the region. */
static uint32_t bar_cmd(struct vmm *v, uint32_t reg, uint32_t val)
{
	wr32(v, VFIO_PCI_BAR0_REGION_INDEX, reg, val);
	return rd32(v, VFIO_PCI_BAR0_REGION_INDEX, reg);
}

static uint16_t eerd(struct vmm *v, uint32_t word)
{
	uint32_t r = bar_cmd(v, E1000_EERD,
			     word << E1000_EERD_ADDR_SHIFT | E1000_EERD_START);

	TEST_ASSERT(r & E1000_EERD_DONE, "EERD %#x not done", r);
	return r >> E1000_EERD_DATA_SHIFT;
}

static uint16_t phy_rd(struct vmm *v, uint32_t reg)
{
	uint32_t r = bar_cmd(v, E1000_MDIC, E1000_MDIC_OP_READ |
			     E1000_PHY_ADDR << E1000_MDIC_PHY_SHIFT |
			     reg << E1000_MDIC_REG_SHIFT);

	TEST_ASSERT((r & (E1000_MDIC_READY | E1000_MDIC_ERROR)) ==
		    E1000_MDIC_READY, "MDIC %#x", r);
	return r & E1000_MDIC_DATA_MASK;
}

/* What both models share: EEPROM checksum, PHY identity. */
static void check_nvm_phy(struct __test_metadata *_metadata, struct vmm *v,
			  uint16_t dev_id, uint16_t subsys_id)
{
	uint16_t sum = 0;
	unsigned int i;

	for (i = 0; i <= EEPROM_CHECKSUM_REG; i++)
		sum += eerd(v, i);
	EXPECT_EQ(EEPROM_SUM, sum);
	/* The EEPROM holds the IDs the configuration space shows. */
	EXPECT_EQ(dev_id, eerd(v, EEPROM_DEVICE_ID));
	EXPECT_EQ(subsys_id, eerd(v, EEPROM_SUBSYSTEM_ID));
	EXPECT_EQ(0x8086, eerd(v, EEPROM_SUBSYSTEM_VENDOR));
	/* Linux's e1000_detect_gig_phy() wants this PHY for both parts. */
	EXPECT_EQ(M88E1011_I_PHY_ID >> 16, phy_rd(v, PHY_ID1));
	EXPECT_EQ(M88E1011_I_PHY_ID & 0xfff0, phy_rd(v, PHY_ID2) & 0xfff0);
}

TEST(vfio_model_82545em)
{
	const off_t px = 0xe4;
	uint8_t ids[8];
	uint32_t status;
	struct vmm v;

	vmm_open_with(&v, TYPE_82545EM, NULL);
	EXPECT_EQ(0x100f8086, cfg_rd(&v, PCI_VENDOR_ID, 4));
	EXPECT_EQ(0x10018086, cfg_rd(&v, PCI_SUBSYSTEM_VENDOR_ID, 4));
	EXPECT_EQ(0x02000001, cfg_rd(&v, PCI_CLASS_REVISION, 4));
	/* PM, then PCI-X at E4h, then the end of the list. */
	ASSERT_EQ(2, cap_ids(&v, ids, 8));
	EXPECT_EQ(PCI_CAP_ID_PM, ids[0]);
	EXPECT_EQ(PCI_CAP_ID_PCIX, ids[1]);
	EXPECT_EQ(px, cfg_rd(&v, 0xdc + PCI_CAP_LIST_NEXT, 1));
	/* PCI-X command: its fields stick, reserved bits do not. */
	EXPECT_EQ(0, cfg_rd(&v, px + PCI_X_CMD, 2));
	cfg_wr(&v, px + PCI_X_CMD, 2, 0xffff);
	EXPECT_EQ(0x007f, cfg_rd(&v, px + PCI_X_CMD, 2));
	cfg_wr(&v, px + PCI_X_CMD, 2, PCI_X_CMD_READ_2K);
	EXPECT_EQ(PCI_X_CMD_READ_2K, cfg_rd(&v, px + PCI_X_CMD, 2));
	/* PCI-X status: 64-bit, 133 MHz, not 266/533; read-only. */
	status = cfg_rd(&v, px + PCI_X_STATUS, 4);
	EXPECT_EQ(PCI_X_STATUS_64BIT | PCI_X_STATUS_133MHZ,
		  status & (PCI_X_STATUS_64BIT | PCI_X_STATUS_133MHZ |
			    PCI_X_STATUS_266MHZ | PCI_X_STATUS_533MHZ));
	cfg_wr(&v, px + PCI_X_STATUS, 4, 0xffffffff);
	EXPECT_EQ(status, cfg_rd(&v, px + PCI_X_STATUS, 4));
	/* Bus type PCI for the driver: STATUS.PCIX_MODE clear. */
	EXPECT_EQ(0, rd32(&v, VFIO_PCI_BAR0_REGION_INDEX, E1000_STATUS) &
		     E1000_STATUS_PCIX_MODE);
	check_nvm_phy(_metadata, &v, 0x100f, 0x1001);
	vmm_close(&v);
}

TEST(vfio_model_82540em)
{
	uint8_t ids[8];
	struct vmm v;

	vmm_open_with(&v, TYPE_82540EM, NULL);
	EXPECT_EQ(0x100e8086, cfg_rd(&v, PCI_VENDOR_ID, 4));
	EXPECT_EQ(0x001e8086, cfg_rd(&v, PCI_SUBSYSTEM_VENDOR_ID, 4));
	EXPECT_EQ(0x02000002, cfg_rd(&v, PCI_CLASS_REVISION, 4));
	ASSERT_EQ(1, cap_ids(&v, ids, 8));
	EXPECT_EQ(PCI_CAP_ID_PM, ids[0]);
	EXPECT_EQ(0, cfg_rd(&v, 0xe4, 4));
	check_nvm_phy(_metadata, &v, 0x100e, 0x001e);
	vmm_close(&v);
}

/* ---- SET_IRQS: the one INTx, the request channel, and nothing else ---- */

struct irq_set_fd {
	struct vfio_irq_set h;
	int32_t fd;
};

static int set_irqs(struct vmm *v, uint32_t index, uint32_t flags,
		    uint32_t start, uint32_t count, int32_t fd)
{
	struct irq_set_fd s = {
		.h = {
			.argsz = sizeof(s), .flags = flags, .index = index,
			.start = start, .count = count,
		},
		.fd = fd,
	};

	if (!(flags & VFIO_IRQ_SET_DATA_EVENTFD))
		s.h.argsz = sizeof(s.h);
	return ioctl(v->dev, VFIO_DEVICE_SET_IRQS, &s) ? errno : 0;
}

#define TRIG_FD	(VFIO_IRQ_SET_ACTION_TRIGGER | VFIO_IRQ_SET_DATA_EVENTFD)

TEST(vfio_set_irqs)
{
	struct vfio_irq_info ii = { .argsz = sizeof(ii) };
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	int nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	unsigned int i;
	uint64_t n = 0;
	struct vmm v;

	vmm_open(&v);
	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++) {
		ii.index = i;
		ASSERT_EQ(0, ioctl(v.dev, VFIO_DEVICE_GET_IRQ_INFO, &ii));
		EXPECT_EQ(i == VFIO_PCI_INTX_IRQ_INDEX ||
			  i == VFIO_PCI_REQ_IRQ_INDEX ? 1 : 0, ii.count);
	}
	/* MSI, MSI-X, ERR: none to set; INTx has exactly vector 0. */
	EXPECT_EQ(EINVAL, set_irqs(&v, VFIO_PCI_MSI_IRQ_INDEX, TRIG_FD, 0, 1, efd));
	EXPECT_EQ(EINVAL, set_irqs(&v, VFIO_PCI_MSIX_IRQ_INDEX, TRIG_FD, 0, 1, efd));
	EXPECT_EQ(EINVAL, set_irqs(&v, VFIO_PCI_ERR_IRQ_INDEX, TRIG_FD, 0, 1, efd));
	EXPECT_EQ(EINVAL, set_irqs(&v, VFIO_PCI_NUM_IRQS, TRIG_FD, 0, 1, efd));
	EXPECT_EQ(EINVAL, set_irqs(&v, VFIO_PCI_INTX_IRQ_INDEX, TRIG_FD, 0, 2, efd));
	EXPECT_EQ(EINVAL, set_irqs(&v, VFIO_PCI_INTX_IRQ_INDEX, TRIG_FD, 1, 1, efd));
	/* Two data types at once; an fd that is no eventfd; a bad fd. */
	EXPECT_EQ(EINVAL, set_irqs(&v, VFIO_PCI_INTX_IRQ_INDEX,
				   TRIG_FD | VFIO_IRQ_SET_DATA_BOOL, 0, 1, efd));
	EXPECT_EQ(EINVAL, set_irqs(&v, VFIO_PCI_INTX_IRQ_INDEX, TRIG_FD, 0, 1,
				   nullfd));
	EXPECT_EQ(EINVAL, set_irqs(&v, VFIO_PCI_INTX_IRQ_INDEX, TRIG_FD, 0, 1, -7));

	/* A real one: an interrupt cause the guest enabled reaches it. */
	ASSERT_EQ(0, set_irqs(&v, VFIO_PCI_INTX_IRQ_INDEX, TRIG_FD, 0, 1, efd));
	wr32(&v, VFIO_PCI_BAR0_REGION_INDEX, E1000_IMS, E1000_ICR_TXDW);
	wr32(&v, VFIO_PCI_BAR0_REGION_INDEX, E1000_ICS, E1000_ICR_TXDW);
	EXPECT_EQ(8, read(efd, &n, sizeof(n)));
	EXPECT_LT(0, n);
	/* Masked: the line stays low towards the eventfd. */
	EXPECT_EQ(E1000_ICR_TXDW,
		  rd32(&v, VFIO_PCI_BAR0_REGION_INDEX, E1000_ICR) &
		  E1000_ICR_TXDW);
	EXPECT_EQ(0, set_irqs(&v, VFIO_PCI_INTX_IRQ_INDEX,
			      VFIO_IRQ_SET_ACTION_MASK | VFIO_IRQ_SET_DATA_NONE,
			      0, 1, 0));
	wr32(&v, VFIO_PCI_BAR0_REGION_INDEX, E1000_ICS, E1000_ICR_TXDW);
	EXPECT_EQ(-1, read(efd, &n, sizeof(n)));
	EXPECT_EQ(EAGAIN, errno);
	/* Unmasked with the cause still pending: it fires. */
	EXPECT_EQ(0, set_irqs(&v, VFIO_PCI_INTX_IRQ_INDEX,
			      VFIO_IRQ_SET_ACTION_UNMASK |
			      VFIO_IRQ_SET_DATA_NONE, 0, 1, 0));
	EXPECT_EQ(8, read(efd, &n, sizeof(n)));
	/* fd -1 tears the trigger down: silence after, even unmasked. */
	rd32(&v, VFIO_PCI_BAR0_REGION_INDEX, E1000_ICR);
	EXPECT_EQ(0, set_irqs(&v, VFIO_PCI_INTX_IRQ_INDEX,
			      VFIO_IRQ_SET_ACTION_UNMASK |
			      VFIO_IRQ_SET_DATA_NONE, 0, 1, 0));
	EXPECT_EQ(-1, read(efd, &n, sizeof(n)));
	EXPECT_EQ(0, set_irqs(&v, VFIO_PCI_INTX_IRQ_INDEX, TRIG_FD, 0, 1, -1));
	wr32(&v, VFIO_PCI_BAR0_REGION_INDEX, E1000_ICS, E1000_ICR_TXDW);
	EXPECT_EQ(-1, read(efd, &n, sizeof(n)));

	close(nullfd);
	close(efd);
	vmm_close(&v);
}

/* ---- mmap: only doorbell pages, which need a binding that has them ---- */

TEST(vfio_mmap_refused)
{
	struct vmm v;
	void *p;

	vmm_open(&v);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, v.dev,
		 REGION(VFIO_PCI_BAR0_REGION_INDEX) + 0x2000);
	EXPECT_EQ(MAP_FAILED, p);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, v.dev,
		 REGION(VFIO_PCI_CONFIG_REGION_INDEX));
	EXPECT_EQ(MAP_FAILED, p);
	vmm_close(&v);
}

/* ---- Close and reopen: a fresh device, as after a power cycle ---- */

TEST(vfio_reopen)
{
	struct vmm v;

	vmm_open(&v);
	wr32(&v, VFIO_PCI_BAR0_REGION_INDEX, E1000_RDTR, 0x77);
	wr32(&v, VFIO_PCI_CONFIG_REGION_INDEX, 0x10, 0xfebc0000);
	close(v.dev);
	v.dev = open_device(&v);
	ASSERT_LE(0, v.dev);
	EXPECT_EQ(0, rd32(&v, VFIO_PCI_BAR0_REGION_INDEX, E1000_RDTR));
	/* BAR0 unassigned again: memory BAR, 32-bit, not prefetchable. */
	EXPECT_EQ(0, rd32(&v, VFIO_PCI_CONFIG_REGION_INDEX, 0x10));
	vmm_close(&v);
}

/* ---- VFIO migration v2: the state out of one device, into another ---- */

#define MIG_PARAM	"/sys/module/kvm_e1000/parameters/vfio_migration"

/* VFIO migration is offered on mdevs created while the parameter is on. */
static void mig_param(bool on)
{
	write_file(MIG_PARAM, on ? "Y" : "N");
}

/* SET the migration state: the data fd (-1: none), or -errno. */
static int mig_set(struct vmm *v, uint32_t state)
{
	struct {
		struct vfio_device_feature f;
		struct vfio_device_feature_mig_state s;
	} a = {
		.f.argsz = sizeof(a),
		.f.flags = VFIO_DEVICE_FEATURE_SET |
			   VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
		.s.device_state = state,
	};

	if (ioctl(v->dev, VFIO_DEVICE_FEATURE, &a))
		return -errno;
	return a.s.data_fd;
}

static uint32_t mig_get(struct vmm *v)
{
	struct {
		struct vfio_device_feature f;
		struct vfio_device_feature_mig_state s;
	} a = {
		.f.argsz = sizeof(a),
		.f.flags = VFIO_DEVICE_FEATURE_GET |
			   VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
	};

	TEST_ASSERT(!ioctl(v->dev, VFIO_DEVICE_FEATURE, &a),
		    "GET MIG_DEVICE_STATE: %s", strerror(errno));
	return a.s.device_state;
}

/* Registers a guest set up, that a migrated device must keep. */
static const struct { uint32_t reg, val; } mig_regs[] = {
	{ E1000_RDBAL, 0x12345000 }, { E1000_RDLEN, 0x1000 },
	{ E1000_TDBAL, 0x23456000 }, { E1000_TDLEN, 0x800 },
	{ E1000_RDTR, 0x77 }, { E1000_TIDV, 0x40 }, { E1000_ITR, 500 },
	{ E1000_IMS, E1000_ICR_RXT0 | E1000_ICR_LSC },
};

static void mig_regs_equal(struct __test_metadata *_metadata,
			   struct vmm *a, struct vmm *b)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mig_regs); i++)
		EXPECT_EQ(rd32(a, VFIO_PCI_BAR0_REGION_INDEX, mig_regs[i].reg),
			  rd32(b, VFIO_PCI_BAR0_REGION_INDEX, mig_regs[i].reg))
			TH_LOG("register %#x", mig_regs[i].reg);
}

/* GET VFIO_DEVICE_FEATURE_MIGRATION: its flags, or -errno. */
static int64_t mig_flags(struct vmm *v)
{
	struct {
		struct vfio_device_feature f;
		struct vfio_device_feature_migration m;
	} feat = {
		.f.argsz = sizeof(feat),
		.f.flags = VFIO_DEVICE_FEATURE_GET |
			   VFIO_DEVICE_FEATURE_MIGRATION,
	};

	if (ioctl(v->dev, VFIO_DEVICE_FEATURE, &feat))
		return -errno;
	return feat.m.flags;
}

/* Experimental, so off unless the module parameter asks for it. */
TEST(vfio_migration_off_by_default)
{
	struct vmm v;

	vmm_open(&v);
	EXPECT_EQ(-ENOTTY, mig_flags(&v));
	EXPECT_EQ(-ENOTTY, mig_set(&v, VFIO_DEVICE_STATE_STOP));
	vmm_close(&v);
}

TEST(vfio_migration)
{
	static uint8_t blob[128 << 10];
	struct vmm src, dst;
	ssize_t len, n;
	unsigned int i;
	int fd, fd2;
	char c;

	mig_param(true);
	vmm_open(&src);
	vmm_open(&dst);
	mig_param(false);
	EXPECT_EQ(VFIO_MIGRATION_STOP_COPY, mig_flags(&src));
	EXPECT_EQ(VFIO_DEVICE_STATE_RUNNING, mig_get(&src));
	for (i = 0; i < ARRAY_SIZE(mig_regs); i++)
		wr32(&src, VFIO_PCI_BAR0_REGION_INDEX, mig_regs[i].reg,
		     mig_regs[i].val);
	EXPECT_EQ(0, rd32(&dst, VFIO_PCI_BAR0_REGION_INDEX, E1000_RDTR));

	/* Source: RUNNING -> STOP -> STOP_COPY, the state read to its end. */
	EXPECT_EQ(-1, mig_set(&src, VFIO_DEVICE_STATE_STOP));
	fd = mig_set(&src, VFIO_DEVICE_STATE_STOP_COPY);
	ASSERT_LE(0, fd) TH_LOG("STOP_COPY: %s", strerror(-fd));
	for (len = 0; (n = read(fd, blob + len, 4000)) > 0; len += n)
		;
	TEST_ASSERT(!n, "read: %s", strerror(errno));
	EXPECT_LT(1000, len);
	EXPECT_GE(KVM_E1000_STATE_MAX_SIZE, len);
	EXPECT_EQ(-1, lseek(fd, 0, SEEK_SET));

	/* Destination: RUNNING -> (STOP) -> RESUMING, then RUNNING. */
	fd2 = mig_set(&dst, VFIO_DEVICE_STATE_RESUMING);
	ASSERT_LE(0, fd2) TH_LOG("RESUMING: %s", strerror(-fd2));
	ASSERT_EQ(100, write(fd2, blob, 100));
	ASSERT_EQ(len - 100, write(fd2, blob + 100, len - 100));
	/* Whole and good: one byte more is no state. */
	blob[len] = 0;
	EXPECT_EQ(-1, write(fd2, blob + len, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, mig_set(&dst, VFIO_DEVICE_STATE_RUNNING));
	ASSERT_EQ(0, ioctl(dst.dev, VFIO_DEVICE_RESET));
	close(fd2);
	fd2 = mig_set(&dst, VFIO_DEVICE_STATE_RESUMING);
	ASSERT_LE(0, fd2) TH_LOG("RESUMING: %s", strerror(-fd2));
	ASSERT_EQ(len, write(fd2, blob, len));
	EXPECT_EQ(-1, mig_set(&dst, VFIO_DEVICE_STATE_RUNNING));
	EXPECT_EQ(VFIO_DEVICE_STATE_RUNNING, mig_get(&dst));
	mig_regs_equal(_metadata, &src, &dst);
	EXPECT_EQ(0x77, rd32(&dst, VFIO_PCI_BAR0_REGION_INDEX, E1000_RDTR));
	/* A data file is for its state only. */
	EXPECT_EQ(-1, write(fd2, blob, 1));
	EXPECT_EQ(ENODEV, errno);
	close(fd2);
	EXPECT_EQ(-1, mig_set(&src, VFIO_DEVICE_STATE_RUNNING));
	EXPECT_EQ(-1, read(fd, &c, 1));
	EXPECT_EQ(ENODEV, errno);
	close(fd);

	/*
	 * A damaged state is refused whole: at the write of its last byte,
	 * which is what fails QEMU's load, and again when RESUMING ends;
	 * the device stays as it was.
	 */
	wr32(&dst, VFIO_PCI_BAR0_REGION_INDEX, E1000_RDTR, 0x55);
	fd2 = mig_set(&dst, VFIO_DEVICE_STATE_RESUMING);
	ASSERT_LE(0, fd2);
	blob[len / 2] ^= 0x10;
	ASSERT_EQ(len - 1, write(fd2, blob, len - 1));
	EXPECT_EQ(-1, write(fd2, blob + len - 1, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, write(fd2, blob, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, mig_set(&dst, VFIO_DEVICE_STATE_STOP));
	EXPECT_EQ(VFIO_DEVICE_STATE_RESUMING, mig_get(&dst));
	EXPECT_EQ(0x55, rd32(&dst, VFIO_PCI_BAR0_REGION_INDEX, E1000_RDTR));
	/* More than a state can be is refused too. */
	EXPECT_EQ(-1, write(fd2, blob, sizeof(blob)));
	EXPECT_EQ(EFBIG, errno);
	/* A reset brings it back to RUNNING, and resets it. */
	ASSERT_EQ(0, ioctl(dst.dev, VFIO_DEVICE_RESET));
	EXPECT_EQ(VFIO_DEVICE_STATE_RUNNING, mig_get(&dst));
	EXPECT_EQ(0, rd32(&dst, VFIO_PCI_BAR0_REGION_INDEX, E1000_RDTR));
	EXPECT_EQ(-1, write(fd2, blob, 1));
	close(fd2);
	/* No arc the device does not offer. */
	EXPECT_EQ(-EINVAL, mig_set(&dst, VFIO_DEVICE_STATE_RUNNING_P2P));
	vmm_close(&dst);
	vmm_close(&src);
}

#ifndef VFIO_DEVICE_FEATURE_MIG_DATA_SIZE	/* uapi headers before 6.2 */
#define VFIO_DEVICE_FEATURE_MIG_DATA_SIZE 9
struct vfio_device_feature_mig_data_size {
	__aligned_u64 stop_copy_length;
};
#endif

/*
 * The size QEMU asks for before it migrates (VFIO calls the op without
 * checking it exists: a driver without it oopses there) bounds what
 * STOP_COPY then hands out.
 */
TEST(vfio_migration_data_size)
{
	static uint8_t blob[128 << 10];
	struct {
		struct vfio_device_feature f;
		struct vfio_device_feature_mig_data_size d;
	} a = {
		.f.argsz = sizeof(a),
		.f.flags = VFIO_DEVICE_FEATURE_GET |
			   VFIO_DEVICE_FEATURE_MIG_DATA_SIZE,
	};
	struct vmm v;
	ssize_t len, n;
	int fd;

	mig_param(true);
	vmm_open(&v);
	mig_param(false);
	if (ioctl(v.dev, VFIO_DEVICE_FEATURE, &a)) {
		/* Before 6.2 VFIO has no such feature. */
		EXPECT_TRUE(errno == ENOTTY || errno == EINVAL)
			TH_LOG("MIG_DATA_SIZE: %s", strerror(errno));
		vmm_close(&v);
		SKIP(return, "this kernel has no VFIO_DEVICE_FEATURE_MIG_DATA_SIZE");
	}
	/* The core's largest state, and the configuration space before it. */
	EXPECT_LE(KVM_E1000_STATE_MAX_SIZE, a.d.stop_copy_length);
	EXPECT_GE(KVM_E1000_STATE_MAX_SIZE + 4096, a.d.stop_copy_length);
	EXPECT_EQ(-1, mig_set(&v, VFIO_DEVICE_STATE_STOP));
	ASSERT_EQ(0, ioctl(v.dev, VFIO_DEVICE_FEATURE, &a));
	fd = mig_set(&v, VFIO_DEVICE_STATE_STOP_COPY);
	ASSERT_LE(0, fd) TH_LOG("STOP_COPY: %s", strerror(-fd));
	for (len = 0; (n = read(fd, blob + len, 4000)) > 0; len += n)
		;
	TEST_ASSERT(!n, "read: %s", strerror(errno));
	EXPECT_GE(a.d.stop_copy_length, len);
	close(fd);
	EXPECT_EQ(-1, mig_set(&v, VFIO_DEVICE_STATE_RUNNING));
	vmm_close(&v);
}

/* ---- Migration: the destination's windows, a quiet STOP ---- */

#define MIG_IO_GPA	0xc000	/* BAR2, where firmware might put it */
/* The migration data: magic and version, then config space (vfio_mig.c). */
#define MIG_CFG_OFF	8

static uint32_t guest_inl(uint16_t port)
{
	uint32_t v;

	__asm__ __volatile__("inl %%dx, %%eax" : "=a"(v) : "d"(port));
	return v;
}

/* A driver's look at the device, through BAR0 and through BAR2, forever. */
static void mig_window_guest(uint64_t bar)
{
	for (;;) {
		GUEST_SYNC(e1000_rd(bar, E1000_STATUS));
		GUEST_SYNC(e1000_rd(bar, E1000_RDTR));
		outl(MIG_IO_GPA + E1000_IOADDR, E1000_RDTR);
		GUEST_SYNC(guest_inl(MIG_IO_GPA + E1000_IODATA));
	}
}

/*
 * Run @v's vCPU to its next GUEST_SYNC and return the value.  A BAR access
 * that exits to us is counted in @exits and reads E1000_USERSPACE_PATTERN:
 * it means the window is not on KVM's bus.
 */
static uint32_t mig_window_sync(struct vmm *v, unsigned int *exits)
{
	uint32_t pat = E1000_USERSPACE_PATTERN;
	struct kvm_run *run = v->vcpu->run;
	struct ucall uc;

	for (;;) {
		vcpu_run(v->vcpu);
		if (run->exit_reason == KVM_EXIT_MMIO) {
			(*exits)++;
			if (!run->mmio.is_write)
				memcpy(run->mmio.data, &pat, sizeof(pat));
			continue;
		}
		/* Not the ucall port: an access to BAR2. */
		if (run->exit_reason == KVM_EXIT_IO &&
		    run->io.port >= MIG_IO_GPA &&
		    run->io.port < MIG_IO_GPA + E1000_IO_SIZE) {
			(*exits)++;
			if (run->io.direction == KVM_EXIT_IO_IN)
				memcpy((uint8_t *)run + run->io.data_offset,
				       &pat, run->io.size);
			continue;
		}
		break;
	}
	TEST_ASSERT(get_ucall(v->vcpu, &uc) == UCALL_SYNC,
		    "unexpected exit %u (%s)", run->exit_reason,
		    exit_reason_str(run->exit_reason));
	return uc.args[1];
}

struct mig_reads {
	uint32_t status, rdtr, io_rdtr;
	unsigned int exits;
};

static void mig_window_read(struct vmm *v, struct mig_reads *r)
{
	r->exits = 0;
	r->status = mig_window_sync(v, &r->exits);
	r->rdtr = mig_window_sync(v, &r->exits);
	r->io_rdtr = mig_window_sync(v, &r->exits);
}

static void mig_window_vm(struct vmm *v)
{
	virt_map(v->vm, E1000_BAR0_GPA, E1000_BAR0_GPA, E1000_BAR0_PAGES);
	vcpu_args_set(v->vcpu, 1, E1000_BAR0_GPA);
}

/*
 * QEMU restores a device's configuration space into its own copy and
 * writes back COMMAND only, after it wrote 0 to every BAR at reset: the
 * destination learns where the guest put BAR0 and BAR2 from the migration
 * data, and its windows must be on KVM's buses before the vCPUs run.
 */
TEST(vfio_migration_windows)
{
	static uint8_t blob[128 << 10];
	const uint16_t cmd = PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
			     PCI_COMMAND_MASTER;
	struct vmm src, dst;
	struct mig_reads r;
	uint32_t status, id;
	ssize_t len, n;
	unsigned int off;
	int fd;

	mig_param(true);
	vmm_open_in(&src, TYPE_82540EM, NULL, mig_window_guest);
	vmm_open_in(&dst, TYPE_82540EM, NULL, mig_window_guest);
	mig_param(false);
	mig_window_vm(&src);
	mig_window_vm(&dst);

	/* Source: firmware's BARs, the driver's COMMAND and a register. */
	cfg_wr(&src, PCI_BASE_ADDRESS_0, 4, E1000_BAR0_GPA);
	cfg_wr(&src, PCI_BASE_ADDRESS_2, 4, MIG_IO_GPA);
	cfg_wr(&src, PCI_COMMAND, 2, cmd);
	wr32(&src, VFIO_PCI_BAR0_REGION_INDEX, E1000_RDTR, 0x77);
	mig_window_read(&src, &r);
	ASSERT_TRUE(!r.exits) TH_LOG("the source's windows are not in place");
	EXPECT_EQ(0x77, r.rdtr);
	EXPECT_EQ(0x77, r.io_rdtr);
	status = r.status;
	EXPECT_EQ(-1, mig_set(&src, VFIO_DEVICE_STATE_STOP));
	fd = mig_set(&src, VFIO_DEVICE_STATE_STOP_COPY);
	ASSERT_LE(0, fd) TH_LOG("STOP_COPY: %s", strerror(-fd));
	for (len = 0; (n = read(fd, blob + len, 4000)) > 0; len += n)
		;
	TEST_ASSERT(!n, "read: %s", strerror(errno));
	close(fd);

	/*
	 * Destination, as QEMU does it: BARs zeroed and a reset (at machine
	 * reset), the data, COMMAND alone (vfio_pci_load_config()), RUNNING.
	 */
	for (off = PCI_BASE_ADDRESS_0; off <= PCI_BASE_ADDRESS_5; off += 4)
		cfg_wr(&dst, off, 4, 0);
	ASSERT_EQ(0, ioctl(dst.dev, VFIO_DEVICE_RESET));
	fd = mig_set(&dst, VFIO_DEVICE_STATE_RESUMING);
	ASSERT_LE(0, fd) TH_LOG("RESUMING: %s", strerror(-fd));
	ASSERT_EQ(len, write(fd, blob, len));
	cfg_wr(&dst, PCI_COMMAND, 2, cfg_rd(&src, PCI_COMMAND, 2));
	EXPECT_EQ(-1, mig_set(&dst, VFIO_DEVICE_STATE_RUNNING));
	close(fd);
	EXPECT_EQ(E1000_BAR0_GPA, cfg_rd(&dst, PCI_BASE_ADDRESS_0, 4) &
				  PCI_BASE_ADDRESS_MEM_MASK);
	EXPECT_EQ(MIG_IO_GPA, cfg_rd(&dst, PCI_BASE_ADDRESS_2, 4) &
			      PCI_BASE_ADDRESS_IO_MASK);
	/* The guest finds its device where it left it, served in the kernel. */
	mig_window_read(&dst, &r);
	EXPECT_EQ(0, r.exits);
	EXPECT_EQ(status, r.status);
	EXPECT_EQ(0x77, r.rdtr);
	EXPECT_EQ(0x77, r.io_rdtr);

	/*
	 * Read-only bytes of the configuration space that differ (another
	 * device ID): refused whole, the device as it was.
	 */
	id = cfg_rd(&src, PCI_VENDOR_ID, 4);
	ASSERT_TRUE(!memcmp(blob + MIG_CFG_OFF, &id, sizeof(id)))
		TH_LOG("no configuration space in front of the data");
	blob[MIG_CFG_OFF + PCI_DEVICE_ID] ^= 0x01;
	wr32(&dst, VFIO_PCI_BAR0_REGION_INDEX, E1000_RDTR, 0x55);
	fd = mig_set(&dst, VFIO_DEVICE_STATE_RESUMING);
	ASSERT_LE(0, fd) TH_LOG("RESUMING: %s", strerror(-fd));
	EXPECT_EQ(-1, write(fd, blob, len));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, mig_set(&dst, VFIO_DEVICE_STATE_RUNNING));
	EXPECT_EQ(VFIO_DEVICE_STATE_RESUMING, mig_get(&dst));
	EXPECT_EQ(id, cfg_rd(&dst, PCI_VENDOR_ID, 4));
	EXPECT_EQ(0x55, rd32(&dst, VFIO_PCI_BAR0_REGION_INDEX, E1000_RDTR));
	mig_window_read(&dst, &r);
	EXPECT_EQ(0, r.exits);
	EXPECT_EQ(0x55, r.rdtr);
	close(fd);
	vmm_close(&dst);
	vmm_close(&src);
}

/* ---- Doorbell pages: a mapping follows the open device, never outlives it ---- */

#define DB_GPA		0x100000ULL	/* guest RAM: the TX ring, then a frame */
#define DB_MEM		0x10000
#define DB_FRAME	0x1000
#define DB_SLOT		1

static sigjmp_buf db_jmp;

static void db_sigbus(int sig)
{
	siglongjmp(db_jmp, sig);
}

/*
 * Whether reading @p (or storing *@val there) raises SIGBUS: a zapped
 * mapping with no device, or one of an open that ended.
 */
static bool db_access_faults(volatile uint32_t *p, const uint32_t *val)
{
	struct sigaction sa = { .sa_handler = db_sigbus }, old;
	bool bus = false;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(db_jmp, 1))
		bus = true;
	else if (val)
		*p = *val;
	else
		(void)*p;
	sigaction(SIGBUS, &old, NULL);
	return bus;
}

static bool db_faults(volatile uint32_t *p)
{
	return db_access_faults(p, NULL);
}

static volatile uint32_t *db_reg(volatile uint32_t *db, uint32_t off)
{
	return db + (off - 0x2000) / 4;
}

/* A ring register through the doorbell mapping, or BAR0 if @db is NULL. */
static void ring_wr(struct vmm *v, volatile uint32_t *db, uint32_t off,
		    uint32_t val)
{
	if (db)
		*db_reg(db, off) = val;
	else
		wr32(v, VFIO_PCI_BAR0_REGION_INDEX, off, val);
}

/*
 * What a driver does to send one frame, with every ring register stored
 * through the doorbell mapping (no trapped access) but TCTL (in BAR0's
 * first page) and COMMAND (config space), written through the device fd.
 * The device is fresh: its ring starts at descriptor 0.  Without a
 * mapping, through BAR0; TDT last, which db_send() writes.
 */
static void db_queue(struct vmm *v, volatile uint32_t *db, uint8_t *mem,
		     uint8_t tag)
{
	struct e1000_tx_desc *d = (void *)mem;
	uint16_t cmd;

	TEST_ASSERT(pread(v->dev, &cmd, 2,
			  REGION(VFIO_PCI_CONFIG_REGION_INDEX) + PCI_COMMAND) == 2,
		    "COMMAND: %s", strerror(errno));
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	TEST_ASSERT(pwrite(v->dev, &cmd, 2,
			   REGION(VFIO_PCI_CONFIG_REGION_INDEX) + PCI_COMMAND) == 2,
		    "COMMAND: %s", strerror(errno));
	memset(mem, 0, DB_MEM);
	memset(mem + DB_FRAME, 0xff, 6);		/* broadcast */
	mem[DB_FRAME + 6] = 0x02;			/* a local source */
	mem[DB_FRAME + 12] = 0x88;			/* local experimental */
	mem[DB_FRAME + 13] = 0xb5;
	memset(mem + DB_FRAME + 14, tag, 46);
	d->buffer_addr = DB_GPA + DB_FRAME;
	d->length = 60;
	d->cmd = E1000_TXD_CMD_EOP_B | E1000_TXD_CMD_IFCS_B |
		 E1000_TXD_CMD_RS_B;
	ring_wr(v, db, E1000_TDBAL, DB_GPA);
	ring_wr(v, db, E1000_TDBAH, 0);
	ring_wr(v, db, E1000_TDLEN, 8 * sizeof(*d));
	wr32(v, VFIO_PCI_BAR0_REGION_INDEX, E1000_TCTL,
	     E1000_TCTL_EN | E1000_TCTL_PSP);
}

static void db_send(struct vmm *v, volatile uint32_t *db, uint8_t *mem,
		    uint8_t tag)
{
	db_queue(v, db, mem, tag);
	ring_wr(v, db, E1000_TDT, 1);
}

/* Wait for the device to publish @want in doorbell register @off. */
static uint32_t db_wait(volatile uint32_t *db, uint32_t off, uint32_t want)
{
	int ms;

	for (ms = 0; ms < 5000 && *db_reg(db, off) != want; ms++)
		usleep(1000);
	return *db_reg(db, off);
}

/*
 * TDH once it reads @want, or after 5 s.  A frame reaches the tap before
 * its pass ends: TDH and the descriptor's write-back come after it.
 */
static uint32_t tdh_wait(struct vmm *v, uint32_t want)
{
	int ms;

	for (ms = 0; ms < 5000 &&
	     rd32(v, VFIO_PCI_BAR0_REGION_INDEX, E1000_TDH) != want; ms++)
		usleep(1000);
	return rd32(v, VFIO_PCI_BAR0_REGION_INDEX, E1000_TDH);
}

/*
 * The frame db_send() queued with @tag, as the tap's host side saw it
 * within @ms of quiet.
 */
static bool db_seen_in(int pkt, uint8_t tag, int ms)
{
	struct pollfd p = { .fd = pkt, .events = POLLIN };
	uint8_t buf[10 + 2048];
	ssize_t n;

	while (poll(&p, 1, ms) == 1) {
		n = recv(pkt, buf, sizeof(buf), 0);
		/* After the virtio-net header: ours, by type and payload. */
		if (n >= 10 + 60 && buf[10 + 12] == 0x88 &&
		    buf[10 + 13] == 0xb5 && buf[10 + 14] == tag &&
		    buf[10 + 59] == tag)
			return true;
	}
	return false;
}

static bool db_seen(int pkt, uint8_t tag)
{
	return db_seen_in(pkt, tag, 5000);
}

static void mdev_attr(const struct vmm *v, const char *name, char *out,
		      size_t size)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/kvm-e1000/%s", v->uuid,
		 name);
	f = fopen(path, "re");
	TEST_ASSERT(f && fgets(out, size, f), "%s: %s", path, strerror(errno));
	fclose(f);
	out[strcspn(out, "\n")] = 0;
}

/* A device with doorbell pages on sidecore 1: mapped, with guest RAM. */
struct db_rig {
	struct kvm_e1000_mdev_bind b;
	struct vmm v;
	volatile uint32_t *db;
	uint8_t *mem;
	int pkt;
};

static void db_rig_open(struct db_rig *r)
{
	char tap_name[IFNAMSIZ];

	memset(r, 0, sizeof(*r));
	r->b.sidecore = 1;
	r->b.flags = KVM_E1000_MDEV_BIND_DOORBELL_PAGES;
	r->b.tap_fd = e1000_open_tap(tap_name, sizeof(tap_name));
	r->pkt = e1000_packet_open(e1000_tap_up(tap_name, 0));
	vmm_open_with(&r->v, TYPE_82540EM, &r->b);
	e1000_pin_off_sidecore();
	r->mem = mmap(NULL, DB_MEM, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(r->mem != MAP_FAILED, "guest RAM: %s", strerror(errno));
	vm_set_user_memory_region(r->v.vm, DB_SLOT, 0, DB_GPA, DB_MEM, r->mem);
	r->db = mmap(NULL, 0x2000, PROT_READ | PROT_WRITE, MAP_SHARED,
		     r->v.dev, REGION(VFIO_PCI_BAR0_REGION_INDEX) + 0x2000);
	TEST_ASSERT(r->db != MAP_FAILED, "doorbell mmap: %s", strerror(errno));
}

static void db_rig_close(struct db_rig *r)
{
	munmap((void *)r->db, 0x2000);
	vmm_close(&r->v);
	munmap(r->mem, DB_MEM);
	close(r->pkt);
	close(r->b.tap_fd);
}

TEST(vfio_doorbell_mapping)
{
	const uint32_t one = 1;
	struct db_rig r;
	char vm[32];

	if (!e1000_have_cpu(1))
		SKIP(return, "needs a second CPU for the sidecore");
	db_rig_open(&r);

	/* The first open: doorbells stored in the mapping move a frame. */
	db_send(&r.v, r.db, r.mem, 0xa1);
	EXPECT_TRUE(db_seen(r.pkt, 0xa1));
	EXPECT_EQ(1, db_wait(r.db, E1000_TDH, 1));

	/*
	 * The VMM closes the device and keeps the mapping: the device goes
	 * (the mapping does not hold it open) and so do its pages.
	 */
	close(r.v.dev);
	mdev_attr(&r.v, "vm", vm, sizeof(vm));
	EXPECT_STREQ("none", vm);
	EXPECT_TRUE(db_faults(db_reg(r.db, E1000_TDT)));

	/*
	 * Reopened (by another VM's VMM, for all the device knows): the old
	 * mapping reaches nothing of the new device, reads or stores; the
	 * new open's own mapping reaches its registers.
	 */
	r.v.dev = open_device(&r.v);
	ASSERT_LE(0, r.v.dev);
	EXPECT_TRUE(db_faults(db_reg(r.db, E1000_TDT)));
	EXPECT_TRUE(db_access_faults(db_reg(r.db, E1000_TDT), &one));
	EXPECT_EQ(0, rd32(&r.v, VFIO_PCI_BAR0_REGION_INDEX, E1000_TDT));
	munmap((void *)r.db, 0x2000);
	r.db = mmap(NULL, 0x2000, PROT_READ | PROT_WRITE, MAP_SHARED,
		    r.v.dev, REGION(VFIO_PCI_BAR0_REGION_INDEX) + 0x2000);
	ASSERT_NE(MAP_FAILED, r.db);
	EXPECT_EQ(0, *db_reg(r.db, E1000_TDT));
	db_send(&r.v, r.db, r.mem, 0xb2);
	EXPECT_TRUE(db_seen(r.pkt, 0xb2));
	EXPECT_EQ(1, db_wait(r.db, E1000_TDH, 1));
	db_rig_close(&r);
}

/* @awk over file @file of every thread of sidecore @cpu, as a number. */
static long long sidecore_sum(int cpu, const char *file, const char *awk)
{
	char cmd[320];
	long long n;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "for c in $(grep -lx 'kvm-e1000-sc/%d' /proc/[0-9]*/comm); do "
		 "cat ${c%%comm}%s; done | awk '%s'", cpu, file, awk);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &n) != 1)
		n = -1;
	pclose(f);
	return n;
}

/* Context switches of the threads of sidecore @cpu, summed. */
static long sidecore_switches(int cpu)
{
	return sidecore_sum(cpu, "status",
			    "/_ctxt_switches/ { n += $2 } END { print n + 0 }");
}

/* Sleeps only: a sidecore that polls switches out when preempted. */
static long sidecore_sleeps(int cpu)
{
	return sidecore_sum(cpu, "status",
			    "/^voluntary_ctxt_switches/ { n += $2 } "
			    "END { print n + 0 }");
}

/* CPU time of the threads of sidecore @cpu, in ns. */
static long long sidecore_cpu_ns(int cpu)
{
	return sidecore_sum(cpu, "schedstat",
			    "{ n += $1 } END { printf \"%.0f\\n\", n }");
}

/*
 * An idle sidecore with doorbell pages sleeps: it has the pages fault on
 * the next access instead of looking at them every so often.  Over half
 * a second of quiet its threads barely run (a periodic look would be
 * thousands of wakeups), and a doorbell stored then still moves its
 * frame at once: the store faults, and the fault wakes the sidecore.
 */
TEST(vfio_doorbell_idle_sleeps)
{
	struct e1000_tx_desc *d;
	long before, after;
	struct db_rig r;
	int i;

	if (!e1000_have_cpu(1))
		SKIP(return, "needs a second CPU for the sidecore");
	db_rig_open(&r);
	db_send(&r.v, r.db, r.mem, 0xc1);
	EXPECT_TRUE(db_seen(r.pkt, 0xc1));

	/* Quiet: the sidecore goes to sleep and stays asleep. */
	usleep(100 * 1000);
	before = sidecore_switches(1);
	usleep(500 * 1000);
	after = sidecore_switches(1);
	ASSERT_LE(0, before);
	EXPECT_GT(20, after - before);
	TH_LOG("sidecore context switches over 500 ms idle: %ld",
	       after - before);

	/* The next frame: its doorbell is a store into the pages. */
	d = (void *)r.mem;
	d[1] = d[0];
	d[1].status = 0;
	for (i = 14; i < 60; i++)
		r.mem[DB_FRAME + i] = 0xc2;
	*db_reg(r.db, E1000_TDT) = 2;
	EXPECT_TRUE(db_seen_in(r.pkt, 0xc2, 1000));
	EXPECT_EQ(2, db_wait(r.db, E1000_TDH, 2));
	db_rig_close(&r);
}

/*
 * Frame @i (from 1) after db_send()'s: descriptor 0 copied into its slot
 * of the 8-entry ring, its doorbell a store into the pages.
 */
static void db_next(struct db_rig *r, unsigned int i)
{
	struct e1000_tx_desc *d = (void *)r->mem;

	d[i % 8] = d[0];
	d[i % 8].status = 0;
	*db_reg(r->db, E1000_TDT) = (i + 1) % 8;
}

/* @n frames from @*i on, @gap_us apart; the sidecore's sleeps meanwhile. */
static long db_paced(struct db_rig *r, unsigned int *i, int n, int gap_us)
{
	long before = sidecore_sleeps(1);

	while (n--) {
		usleep(gap_us);
		db_next(r, (*i)++);
	}
	return sidecore_sleeps(1) - before;
}

#define PACE_FRAMES	40
#define SPARSE_FRAMES	10

/* The sidecore's CPU time over SPARSE_FRAMES frames 40 ms apart. */
static long long db_sparse_cpu_ns(struct db_rig *r, unsigned int *i)
{
	long long ns = sidecore_cpu_ns(1);

	db_paced(r, i, SPARSE_FRAMES, 40000);
	return sidecore_cpu_ns(1) - ns;
}

/*
 * The sidecore's poll window adapts (worker.c, adapt()).  Doorbells 1 ms
 * apart, longer than poll_us: with growth off (poll_max_us = poll_us) the
 * sidecore sleeps between them, so each costs a fault of the pages and a
 * wakeup; with poll_max_us 4 ms the window grows past the gap within a few
 * frames and the sidecore polls across the gaps, without a sleep.  Then
 * doorbells 40 ms apart, beyond any window allowed: the window shrinks
 * back, so each of those costs about what it costs with growth off, not
 * 4 ms more.  And every frame reaches the tap.
 */
/*
 * Some 130 paced doorbells, each a frame the test waits for: longer than
 * the harness's default 30 s on the debug kernel (tools/testbed/README.md).
 */
FIXTURE(paced) {};
FIXTURE_SETUP(paced) {}
FIXTURE_TEARDOWN(paced) {}

TEST_F_TIMEOUT(paced, vfio_doorbell_poll_adapts, 180)
{
	unsigned int lo = e1000_param_get("poll_us");
	unsigned int hi = e1000_param_get("poll_max_us");
	long long fixed_ns, shrunk_ns;
	unsigned int i = 1, seen = 0;
	long fixed, grown;
	struct db_rig r;

	if (!e1000_have_cpu(1))
		SKIP(return, "needs a second CPU for the sidecore");
	ASSERT_GT(1000, lo);
	e1000_param_set("poll_max_us", lo);
	db_rig_open(&r);
	db_send(&r.v, r.db, r.mem, 0xd1);
	fixed = db_paced(&r, &i, PACE_FRAMES, 1000);
	fixed_ns = db_sparse_cpu_ns(&r, &i);

	e1000_param_set("poll_max_us", 4000);
	db_paced(&r, &i, 8, 1000);		/* the window grows */
	grown = db_paced(&r, &i, PACE_FRAMES, 1000);
	TH_LOG("sidecore sleeps over %d doorbells 1 ms apart: %ld with a fixed %u us window, %ld adapting",
	       PACE_FRAMES, fixed, lo, grown);
	EXPECT_LE(PACE_FRAMES / 2, fixed);
	EXPECT_GE(PACE_FRAMES / 4, grown);

	db_paced(&r, &i, 8, 40000);		/* the window shrinks */
	shrunk_ns = db_sparse_cpu_ns(&r, &i);
	TH_LOG("sidecore CPU time over %d doorbells 40 ms apart: %lld us with a fixed window, %lld us adapting",
	       SPARSE_FRAMES, fixed_ns / 1000, shrunk_ns / 1000);
	/* A 4 ms window each time would cost 38 ms more. */
	EXPECT_GT(fixed_ns + SPARSE_FRAMES * 1000000LL, shrunk_ns);

	usleep(100 * 1000);
	while (db_seen_in(r.pkt, 0xd1, 200))
		seen++;
	EXPECT_EQ(i, seen);
	e1000_param_set("poll_max_us", hi);
	db_rig_close(&r);
}

/*
 * A store into the doorbell pages made before a reset (CTRL.RST or VFIO's
 * reset) is applied before it, so the reset wipes it: the device pulls the
 * pages at the start of every trapped access and reset.  The race is real:
 * the sidecore polls the same pages meanwhile and may win it or not.
 */
/*
 * Migration's STOP holds the data path: a frame the guest queued before
 * the stop waits in guest memory, none reaches the tap, until RUNNING.
 */
TEST(vfio_migration_stop_holds_dma)
{
	struct kvm_e1000_mdev_bind b = { .sidecore = KVM_E1000_NO_SIDECORE };
	char tap_name[IFNAMSIZ];
	struct vmm v;
	uint8_t *mem;
	int pkt;

	b.tap_fd = e1000_open_tap(tap_name, sizeof(tap_name));
	pkt = e1000_packet_open(e1000_tap_up(tap_name, 0));
	mig_param(true);
	vmm_open_with(&v, TYPE_82540EM, &b);
	mig_param(false);
	mem = mmap(NULL, DB_MEM, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	vm_set_user_memory_region(v.vm, DB_SLOT, 0, DB_GPA, DB_MEM, mem);
	db_queue(&v, NULL, mem, 0xc3);
	EXPECT_EQ(-1, mig_set(&v, VFIO_DEVICE_STATE_STOP));
	wr32(&v, VFIO_PCI_BAR0_REGION_INDEX, E1000_TDT, 1);
	EXPECT_FALSE(db_seen_in(pkt, 0xc3, 500));
	EXPECT_EQ(0, rd32(&v, VFIO_PCI_BAR0_REGION_INDEX, E1000_TDH));
	/* Nor written back: the descriptor's status is as the guest left it. */
	EXPECT_EQ(0, ((struct e1000_tx_desc *)mem)->status);
	EXPECT_EQ(-1, mig_set(&v, VFIO_DEVICE_STATE_RUNNING));
	EXPECT_TRUE(db_seen(pkt, 0xc3));
	/*
	 * The pass is done before the ring is queued again: one still
	 * running owns descriptor 0 (TDH 0, TDT 1), and would send what
	 * db_queue() writes there next (seen once, Debian 13, CI).
	 */
	EXPECT_EQ(1, tdh_wait(&v, 1));
	EXPECT_EQ(E1000_TXD_STAT_DD, ((struct e1000_tx_desc *)mem)->status);

	/* A reset in STOP: RUNNING again, the frame queued before it never sent. */
	db_queue(&v, NULL, mem, 0xc4);
	EXPECT_EQ(-1, mig_set(&v, VFIO_DEVICE_STATE_STOP));
	wr32(&v, VFIO_PCI_BAR0_REGION_INDEX, E1000_TDT, 1);
	ASSERT_EQ(0, ioctl(v.dev, VFIO_DEVICE_RESET));
	EXPECT_EQ(VFIO_DEVICE_STATE_RUNNING, mig_get(&v));
	EXPECT_FALSE(db_seen_in(pkt, 0xc4, 500));
	EXPECT_EQ(0, ((struct e1000_tx_desc *)mem)->status);

	/* A close in STOP: the device goes without another pass. */
	db_queue(&v, NULL, mem, 0xc5);
	EXPECT_EQ(-1, mig_set(&v, VFIO_DEVICE_STATE_STOP));
	wr32(&v, VFIO_PCI_BAR0_REGION_INDEX, E1000_TDT, 1);
	vmm_close(&v);
	EXPECT_FALSE(db_seen_in(pkt, 0xc5, 500));
	EXPECT_EQ(0, ((struct e1000_tx_desc *)mem)->status);
	munmap(mem, DB_MEM);
	close(pkt);
	close(b.tap_fd);
}

/*
 * STOP changes nothing the guest sees: a cause raised while stopped (a
 * register the VMM writes here; a moderation timer could) keeps the INTx
 * output low, though the device's own line is up (PCI STATUS says so),
 * and RUNNING signals it.
 */
TEST(vfio_migration_stop_holds_intx)
{
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	uint64_t n = 0;
	struct vmm v;

	mig_param(true);
	vmm_open(&v);
	mig_param(false);
	ASSERT_EQ(0, set_irqs(&v, VFIO_PCI_INTX_IRQ_INDEX, TRIG_FD, 0, 1, efd));
	wr32(&v, VFIO_PCI_BAR0_REGION_INDEX, E1000_IMS, E1000_ICR_TXDW);
	EXPECT_EQ(-1, mig_set(&v, VFIO_DEVICE_STATE_STOP));
	wr32(&v, VFIO_PCI_BAR0_REGION_INDEX, E1000_ICS, E1000_ICR_TXDW);
	EXPECT_EQ(-1, read(efd, &n, sizeof(n)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_NE(0, cfg_rd(&v, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
	/* A new trigger in STOP stays quiet too. */
	ASSERT_EQ(0, set_irqs(&v, VFIO_PCI_INTX_IRQ_INDEX, TRIG_FD, 0, 1, efd));
	EXPECT_EQ(-1, read(efd, &n, sizeof(n)));
	EXPECT_EQ(-1, mig_set(&v, VFIO_DEVICE_STATE_RUNNING));
	EXPECT_EQ(8, read(efd, &n, sizeof(n)));
	EXPECT_LT(0, n);
	close(efd);
	vmm_close(&v);
}

TEST(vfio_doorbell_store_before_reset)
{
	struct kvm_e1000_mdev_bind b = {
		.tap_fd = KVM_E1000_NO_FD,
		.sidecore = 1,
		.flags = KVM_E1000_MDEV_BIND_DOORBELL_PAGES,
	};
	unsigned int i, late = 0, page = 0;
	volatile uint32_t *db;
	struct vmm v;

	if (!e1000_have_cpu(1))
		SKIP(return, "needs a second CPU for the sidecore");
	vmm_open_with(&v, TYPE_82540EM, &b);
	e1000_pin_off_sidecore();
	db = mmap(NULL, 0x2000, PROT_READ | PROT_WRITE, MAP_SHARED, v.dev,
		  REGION(VFIO_PCI_BAR0_REGION_INDEX) + 0x2000);
	ASSERT_NE(MAP_FAILED, db);
	for (i = 0; i < 400; i++) {
		/* RDTR: a ring register with no side effect, reset value 0. */
		*db_reg(db, E1000_RDTR) = 1 + i;
		if (i & 1)
			wr32(&v, VFIO_PCI_BAR0_REGION_INDEX, E1000_CTRL,
			     E1000_CTRL_RST);
		else
			ASSERT_EQ(0, ioctl(v.dev, VFIO_DEVICE_RESET));
		/* The reset's values are published before it returns. */
		page += *db_reg(db, E1000_RDTR) != 0;
		late += rd32(&v, VFIO_PCI_BAR0_REGION_INDEX, E1000_RDTR) != 0;
	}
	EXPECT_EQ(0, page);
	EXPECT_EQ(0, late);
	munmap((void *)db, 0x2000);
	vmm_close(&v);
}

/* The sparse mmap area BAR0's region info offers: its size, 0 if none. */
static uint64_t db_area(struct vmm *v, uint64_t *offset)
{
	union {
		struct vfio_region_info r;
		uint8_t buf[256];
	} u = { .r.argsz = sizeof(u), .r.index = VFIO_PCI_BAR0_REGION_INDEX };
	struct vfio_region_info_cap_sparse_mmap *sparse;
	struct vfio_info_cap_header *h;
	uint32_t off;

	TEST_ASSERT(!ioctl(v->dev, VFIO_DEVICE_GET_REGION_INFO, &u.r),
		    "GET_REGION_INFO: %s", strerror(errno));
	if (!(u.r.flags & VFIO_REGION_INFO_FLAG_CAPS))
		return 0;
	for (off = u.r.cap_offset; off; off = h->next) {
		TEST_ASSERT(off + sizeof(*sparse) + sizeof(sparse->areas[0]) <=
			    sizeof(u), "capability at %u", off);
		h = (void *)(u.buf + off);
		if (h->id != VFIO_REGION_INFO_CAP_SPARSE_MMAP)
			continue;
		sparse = (void *)h;
		TEST_ASSERT(sparse->nr_areas == 1, "%u areas", sparse->nr_areas);
		*offset = sparse->areas[0].offset;
		return sparse->areas[0].size;
	}
	return 0;
}

/* Whether the page at @p is in this process's page tables (pagemap). */
static bool page_present(volatile void *p)
{
	uint64_t ent = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	TEST_ASSERT(fd >= 0, "pagemap: %s", strerror(errno));
	TEST_ASSERT(pread(fd, &ent, sizeof(ent),
			  (uintptr_t)p / 4096 * sizeof(ent)) == sizeof(ent),
		    "pagemap: %s", strerror(errno));
	close(fd);
	return ent >> 63;
}

#define WRX_DESCS	8

/*
 * A device's own worker polls nothing, so with doorbell pages it offers
 * the VMM only the RX page: TDT stays trapped and rings.  RDT in RAM
 * rings nothing while the device has buffers (its refills cost no exit);
 * while a received frame waits for buffers, the worker has the page
 * fault on the next store, so a guest's refill delivers that frame with
 * no trapped access and no later frame to wake the device.
 */
TEST(vfio_doorbell_worker_rx)
{
	struct kvm_e1000_mdev_bind b = {
		.sidecore = KVM_E1000_NO_SIDECORE,
		.flags = KVM_E1000_MDEV_BIND_DOORBELL_PAGES,
	};
	struct e1000_rx_desc *d;
	uint8_t frame[10 + 60] = { 0 };	/* virtio-net header, frame */
	char tap_name[IFNAMSIZ];
	volatile uint32_t *db;
	uint64_t area = 0;
	struct vmm v;
	uint16_t cmd;
	uint8_t *mem;
	int pkt, ms;
	unsigned int i;

	b.tap_fd = e1000_open_tap(tap_name, sizeof(tap_name));
	pkt = e1000_packet_open(e1000_tap_up(tap_name, 0));
	vmm_open_with(&v, TYPE_82540EM, &b);
	EXPECT_EQ(0x1000, db_area(&v, &area));
	EXPECT_EQ(0x2000, area);
	/* Not the TX page: no thread would see a TDT stored there. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 0x2000, PROT_READ | PROT_WRITE,
				   MAP_SHARED, v.dev,
				   REGION(VFIO_PCI_BAR0_REGION_INDEX) + 0x2000));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 0x1000, PROT_READ | PROT_WRITE,
				   MAP_SHARED, v.dev,
				   REGION(VFIO_PCI_BAR0_REGION_INDEX) + 0x3000));
	db = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED, v.dev,
		  REGION(VFIO_PCI_BAR0_REGION_INDEX) + 0x2000);
	ASSERT_NE(MAP_FAILED, db);
	mem = mmap(NULL, DB_MEM, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	memset(mem, 0, DB_MEM);
	vm_set_user_memory_region(v.vm, DB_SLOT, 0, DB_GPA, DB_MEM, mem);
	ASSERT_EQ(2, pread(v.dev, &cmd, 2,
			   REGION(VFIO_PCI_CONFIG_REGION_INDEX) + PCI_COMMAND));
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	ASSERT_EQ(2, pwrite(v.dev, &cmd, 2,
			    REGION(VFIO_PCI_CONFIG_REGION_INDEX) + PCI_COMMAND));

	/* An 8-descriptor ring of 2 KiB buffers, set up through RAM. */
	d = (void *)mem;
	for (i = 0; i < WRX_DESCS; i++)
		d[i].buffer_addr = DB_GPA + DB_FRAME + i * 2048;
	*db_reg(db, E1000_RDBAL) = DB_GPA;
	*db_reg(db, E1000_RDBAH) = 0;
	*db_reg(db, E1000_RDLEN) = WRX_DESCS * sizeof(*d);
	wr32(&v, VFIO_PCI_BAR0_REGION_INDEX, E1000_RCTL,
	     E1000_RCTL_EN | E1000_RCTL_BAM);

	/* A broadcast frame from the host, while the guest gave no buffer. */
	memset(frame + 10, 0xff, 6);
	frame[10 + 6] = 0x02;
	frame[10 + 12] = 0x88;
	frame[10 + 13] = 0xb5;
	memset(frame + 10 + 14, 0xd1, 46);
	ASSERT_EQ(sizeof(frame), send(pkt, frame, sizeof(frame), 0));
	usleep(200 * 1000);
	/* It waits, and the page is armed: the next store faults. */
	EXPECT_EQ(0, d[0].status);
	EXPECT_FALSE(page_present(db));

	/* The refill, a store into RAM: the frame lands at once. */
	*db_reg(db, E1000_RDT) = 4;
	for (ms = 0; ms < 1000 && !(d[0].status & E1000_RXD_STAT_DD); ms++)
		usleep(1000);
	EXPECT_EQ(E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP,
		  d[0].status & (E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP));
	EXPECT_EQ(64, d[0].length);		/* and its FCS */
	EXPECT_EQ(0xd1, mem[DB_FRAME + 14]);
	EXPECT_EQ(1, db_wait(db, E1000_RDH, 1));

	/* Buffers to spare: the worker sleeps with the page left mapped. */
	usleep(200 * 1000);
	EXPECT_TRUE(page_present(db));
	frame[10 + 14] = 0xd2;
	ASSERT_EQ(sizeof(frame), send(pkt, frame, sizeof(frame), 0));
	for (ms = 0; ms < 1000 && !(d[1].status & E1000_RXD_STAT_DD); ms++)
		usleep(1000);
	EXPECT_EQ(0xd2, mem[DB_FRAME + 2048 + 14]);
	EXPECT_EQ(2, db_wait(db, E1000_RDH, 2));

	munmap((void *)db, 0x1000);
	vmm_close(&v);
	munmap(mem, DB_MEM);
	close(pkt);
	close(b.tap_fd);
}

/* ---- Removal while open: the VMM is asked, lets go, nothing hangs ---- */

static void *remove_thread(void *uuid)
{
	mdev_remove(uuid);
	return NULL;
}

TEST(vfio_remove_while_open)
{
	int efd = eventfd(0, EFD_CLOEXEC);
	struct pollfd p = { .fd = efd, .events = POLLIN };
	pthread_t th;
	struct vmm v;

	vmm_open(&v);
	ASSERT_EQ(0, set_irqs(&v, VFIO_PCI_REQ_IRQ_INDEX, TRIG_FD, 0, 1, efd));
	ASSERT_EQ(0, pthread_create(&th, NULL, remove_thread, v.uuid));
	/* The request arrives while the remove waits for us. */
	ASSERT_EQ(1, poll(&p, 1, 10000));
	usleep(100000);
	EXPECT_EQ(EBUSY, pthread_tryjoin_np(th, NULL));
	close(v.dev);
	v.dev = -1;
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_FALSE(mdev_exists(v.uuid));
	close(efd);
	vmm_close(&v);
}

TEST_HARNESS_MAIN
