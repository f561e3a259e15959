// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-e1000: set up in-kernel e1000 devices for stock QEMU and libvirt.
 *
 * A device is a VFIO mediated device of the kvm-e1000 module's parent:
 * this tool creates one through sysfs, binds a tap (and optionally a
 * sidecore CPU and a MAC) to it through /dev/kvm-e1000, and prints the
 * sysfs path that QEMU's vfio-pci takes as sysfsdev.  `run` does all of
 * that around one QEMU invocation.  Plain C, libc only.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <linux/kvm_e1000.h>

#define CTL_PATH	"/dev/kvm-e1000"
#define TUN_PATH	"/dev/net/tun"
#define MDEV_BUS	"/sys/class/mdev_bus"
#define MDEV_DEVICES	"/sys/bus/mdev/devices"
/* The module's mdev types: "kvm-e1000-" and the model's sysfs name. */
#define MDEV_TYPE_PREFIX "kvm-e1000-"
#define ATTR_DIR	"kvm-e1000"
/* The kernel picks the first free number for a tap named with %d. */
#define DEFAULT_TAP	"ke1000-%d"
/*
 * The option ROM QEMU gives its own e1000 (both models): iPXE's, BIOS and
 * UEFI in one file, so the guest can netboot.  Where QEMU's firmware path
 * finds it: Debian's ipxe-qemu puts it in /usr/lib/ipxe/qemu.
 */
#define DEFAULT_ROM	"efi-e1000.rom"
static const char *const rom_dirs[] = { "/usr/share/qemu", "/usr/lib/ipxe/qemu" };
#define NROM_DIRS	(sizeof(rom_dirs) / sizeof(rom_dirs[0]))

static const char *prog = "kvm-e1000";

/* --model NAME: the mdev type of each model the module offers. */
static const struct {
	const char *name;	/* as --model takes it */
	const char *type;	/* the mdev type under mdev_supported_types */
} models[] = {
	{ "82540em", MDEV_TYPE_PREFIX "82540EM" },	/* the default */
	{ "82545em", MDEV_TYPE_PREFIX "82545EM" },
};
#define NMODELS	(sizeof(models) / sizeof(models[0]))

static void __attribute__((format(printf, 1, 2))) err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s create [--model M] [--tap NAME] [--mac MAC]\n"
		"                 [--sidecore CPU] [--doorbell-pages] [--rom FILE|none]\n"
		"                 [--device-props LIST] [--qemu-device]\n"
		"       %s destroy UUID\n"
		"       %s list\n"
		"       %s status UUID\n"
		"       %s run [--model M] [--tap NAME] [--mac MAC]\n"
		"              [--sidecore CPU] [--doorbell-pages] [--rom FILE|none]\n"
		"              [--device-props LIST] -- QEMU [ARGS...]\n"
		"\n"
		"create   make an in-kernel e1000 (a VFIO mediated device), bound to the\n"
		"         tap NAME (created if needed; default ke1000-N), and print\n"
		"         its sysfs path for -device vfio-pci,sysfsdev=PATH (with\n"
		"         --qemu-device: the whole -device value, ROM and LIST included)\n"
		"destroy  remove a device (once no VM uses it)\n"
		"list     the devices: UUID, tap, sidecore, MAC, VM attached or not\n"
		"status   one device's binding and counters\n"
		"run      create a device, run QEMU with it, destroy it when QEMU exits\n"
		"\n"
		"--model  the part the guest sees: 82540em (default; QEMU's e1000) or\n"
		"         82545em (QEMU's e1000-82545em, VMware's default NIC)\n"
		"--doorbell-pages  map ring registers into the guest as RAM: no exit for\n"
		"         their writes.  With --sidecore, TDT and RDT (the sidecore polls\n"
		"         them); without, RDT only (see the ABI header for the price:\n"
		"         ethtool's register self-test fails)\n"
		"--rom    the option ROM QEMU shows the guest: none, or a file; default\n"
		"         iPXE's " DEFAULT_ROM " (netboot, as QEMU's own e1000 has)\n"
		"--device-props  more vfio-pci properties, comma-separated, for\n"
		"         instance bootindex=1 or rombar=0\n",
		prog, prog, prog, prog, prog);
}

/* ---- small file helpers ---- */

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return 0;
}

/* Read a small sysfs file, without its trailing newline. */
static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = 0;
	return 0;
}

static int read_attr(const char *uuid, const char *name, char *buf,
		     size_t size)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/" ATTR_DIR "/%s", uuid,
		 name);
	return read_file(path, buf, size);
}

/* ---- the module ---- */

static int open_ctl(void)
{
	int fd = open(CTL_PATH, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
		err("%s is missing: the kvm-e1000 module is not loaded (modprobe kvm-e1000, or insmod kvm-e1000.ko)",
		    CTL_PATH);
	else if (errno == EACCES || errno == EPERM)
		err("no permission to open %s: run as root, or give a group access with a udev rule",
		    CTL_PATH);
	else
		err("cannot open %s: %s", CTL_PATH, strerror(errno));
	return -1;
}

/* The directory of mdev type @type under the module's parent device. */
static int find_type_dir(const char *type, char *out, size_t size)
{
	DIR *d = opendir(MDEV_BUS);
	struct dirent *de;
	struct stat st;
	int ret = -1;

	if (!d) {
		err("%s is missing: is the mdev module loaded (modprobe mdev)?",
		    MDEV_BUS);
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(out, size, MDEV_BUS "/%s/mdev_supported_types/%s",
			 de->d_name, type);
		if (!stat(out, &st)) {
			ret = 0;
			break;
		}
	}
	closedir(d);
	if (ret)
		err("no mdev type %s under " MDEV_BUS
		    ": the kvm-e1000 module is not loaded (or too old for the model)",
		    type);
	return ret;
}

/* Is @uuid one of ours?  Its mdev_type link names one of our types. */
static bool is_ours(const char *uuid)
{
	char path[PATH_MAX], target[PATH_MAX];
	unsigned int i;
	ssize_t n;

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/mdev_type", uuid);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = 0;
	for (i = 0; i < NMODELS; i++) {
		n = strlen(target) - strlen(models[i].type);
		if (n > 0 && target[n - 1] == '/' &&
		    !strcmp(target + n, models[i].type))
			return true;
	}
	return false;
}

static int new_uuid(char out[KVM_E1000_UUID_LEN + 1])
{
	unsigned char b[16];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, b, sizeof(b)) != sizeof(b)) {
		err("cannot read /dev/urandom: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	b[6] = (b[6] & 0x0f) | 0x40;	/* version 4: random */
	b[8] = (b[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	snprintf(out, KVM_E1000_UUID_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
	return 0;
}

static bool valid_uuid(const char *s)
{
	int i;

	if (strlen(s) != KVM_E1000_UUID_LEN)
		return false;
	for (i = 0; i < KVM_E1000_UUID_LEN; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	}
	return true;
}

/* ---- the tap ---- */

/*
 * Open (or create) the tap as the module wants it: frames with a
 * virtio-net header and checksum offload toward the guest.  TSO is the
 * module's to turn on (and off again) while a device holds the tap: it
 * cuts the host's GSO frames for the guest.  @name gets the kernel's
 * final name.
 */
static int open_tap(char name[IFNAMSIZ])
{
	struct ifreq ifr = { 0 };
	int fd = open(TUN_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		err("cannot open %s: %s%s", TUN_PATH, strerror(errno),
		    errno == ENOENT ? " (modprobe tun)" : "");
		return -1;
	}
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		if (errno == EBUSY)
			err("tap %s is busy: another process (a running VM?) has it open", name);
		else if (errno == EPERM || errno == EACCES)
			err("no permission to create or open tap %s (CAP_NET_ADMIN needed)", name);
		else if (errno == EINVAL)
			err("%s exists and is not a tap with these flags (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR)",
			    name);
		else
			err("cannot attach to tap %s: %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	memcpy(name, ifr.ifr_name, IFNAMSIZ);
	if (ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM) < 0) {
		err("TUNSETOFFLOAD on %s: %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int tap_up(const char *name)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret = -1;

	if (s < 0) {
		err("socket: %s", strerror(errno));
		return -1;
	}
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		err("%s: SIOCGIFFLAGS: %s", name, strerror(errno));
	} else {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
			err("cannot bring %s up: %s", name, strerror(errno));
		else
			ret = 0;
	}
	close(s);
	return ret;
}

/* ---- create / destroy ---- */

struct create_opts {
	const char *type;	/* mdev type: models[].type */
	char tap[IFNAMSIZ];
	int sidecore;
	unsigned int flags;	/* KVM_E1000_MDEV_BIND_* */
	unsigned char mac[6];
	const char *rom;	/* romfile= for QEMU, or NULL: none */
	const char *props;	/* more vfio-pci properties, or NULL */
	bool qemu_device;	/* create prints the -device value */
};

static int parse_mac(const char *s, unsigned char mac[6])
{
	unsigned int b[6];
	char end;
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != 6) {
		err("bad MAC address '%s' (want xx:xx:xx:xx:xx:xx)", s);
		return -1;
	}
	for (i = 0; i < 6; i++)
		mac[i] = b[i];
	if (mac[0] & 1) {
		err("MAC address %s is multicast", s);
		return -1;
	}
	return 0;
}

static int parse_cpu(const char *s)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	char path[64], online[8];
	char *end;
	long cpu;

	errno = 0;
	cpu = strtol(s, &end, 10);
	if (errno || *end || end == s || cpu < 0 || cpu >= ncpu) {
		err("bad CPU '%s': this machine has CPUs 0-%ld", s, ncpu - 1);
		return -1;
	}
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%ld/online", cpu);
	/* cpu0 often has no "online" file: it cannot go offline. */
	if (!read_file(path, online, sizeof(online)) && strcmp(online, "1")) {
		err("bad CPU %ld: it is offline", cpu);
		return -1;
	}
	return cpu;
}

static int remove_mdev(const char *uuid)
{
	char path[PATH_MAX];
	int ret;

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/remove", uuid);
	ret = write_file(path, "1");
	if (ret == -ENOENT)
		err("no device %s", uuid);
	else if (ret == -EACCES || ret == -EPERM)
		err("no permission to remove %s: run as root", uuid);
	else if (ret)
		err("cannot remove %s: %s", uuid, strerror(-ret));
	return ret ? -1 : 0;
}

static int bind_mdev(int ctl, const char *uuid, int tap,
		     const struct create_opts *o)
{
	struct kvm_e1000_mdev_bind b;

	memset(&b, 0, sizeof(b));
	memcpy(b.uuid, uuid, KVM_E1000_UUID_LEN);
	b.tap_fd = tap;
	b.sidecore = o->sidecore;
	b.flags = o->flags;
	memcpy(b.mac, o->mac, sizeof(b.mac));
	if (!ioctl(ctl, KVM_E1000_MDEV_BIND, &b))
		return 0;
	if (errno == EINVAL && o->sidecore >= 0)
		err("cannot bind %s: bad CPU %d or bad arguments", uuid, o->sidecore);
	else if (errno == EBUSY)
		err("cannot bind %s: a VM has it open", uuid);
	else
		err("cannot bind %s: %s", uuid, strerror(errno));
	return -1;
}

/* Create a bound device; its UUID goes to @uuid. */
static int create(const struct create_opts *o, char uuid[KVM_E1000_UUID_LEN + 1],
		  char tapname[IFNAMSIZ])
{
	char type_dir[PATH_MAX], path[PATH_MAX + 16];
	int ctl, tap = -1, ret = -1;

	ctl = open_ctl();
	if (ctl < 0)
		return -1;
	if (find_type_dir(o->type, type_dir, sizeof(type_dir)))
		goto out;
	memcpy(tapname, o->tap, IFNAMSIZ);
	tap = open_tap(tapname);
	if (tap < 0 || new_uuid(uuid))
		goto out;
	snprintf(path, sizeof(path), "%s/create", type_dir);
	ret = write_file(path, uuid);
	if (ret) {
		err("cannot create a device (%s): %s", path,
		    ret == -EACCES ? "no permission, run as root" : strerror(-ret));
		ret = -1;
		goto out;
	}
	ret = bind_mdev(ctl, uuid, tap, o);
	if (!ret)
		ret = tap_up(tapname);
	if (ret)
		remove_mdev(uuid);
out:
	if (tap >= 0)
		close(tap);	/* the device holds its own reference */
	close(ctl);
	return ret;
}

/* Does the comma-separated property list @props set @name? */
static bool has_prop(const char *props, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = props; p; p = strchr(p, ',')) {
		p += *p == ',';
		if (!strncmp(p, name, n) && p[n] == '=')
			return true;
	}
	return false;
}

static char default_rom[PATH_MAX];

/* The default ROM, by its full path; none if it is not installed. */
static int find_default_rom(struct create_opts *o)
{
	unsigned int i;

	for (i = 0; i < NROM_DIRS; i++) {
		snprintf(default_rom, sizeof(default_rom), "%s/%s", rom_dirs[i],
			 DEFAULT_ROM);
		if (!access(default_rom, R_OK))
			return 0;
	}
	fprintf(stderr, "%s: no %s (Debian: ipxe-qemu): the guest cannot netboot from this NIC\n",
		prog, DEFAULT_ROM);
	o->rom = NULL;
	return 0;
}

/*
 * QEMU parses the -device value by commas: a ROM path with one, or a
 * property that names the device again, would change what it means.
 */
static int check_rom_props(struct create_opts *o)
{
	if (o->props && (!*o->props || has_prop(o->props, "sysfsdev") ||
			 has_prop(o->props, "host") ||
			 has_prop(o->props, "driver"))) {
		err("bad --device-props '%s': properties to add, not the device",
		    o->props);
		return -1;
	}
	/* A ROM given in the properties wins over ours. */
	if (o->props && has_prop(o->props, "romfile"))
		o->rom = NULL;
	if (o->rom && strchr(o->rom, ',')) {
		err("bad --rom '%s': QEMU cannot take a comma in it", o->rom);
		return -1;
	}
	if (o->rom == default_rom)
		return find_default_rom(o);
	if (o->rom && access(o->rom, R_OK)) {
		err("cannot read --rom %s: %s", o->rom, strerror(errno));
		return -1;
	}
	return 0;
}

static int parse_create_opts(int argc, char **argv, struct create_opts *o)
{
	static const struct option opts[] = {
		{ "model", required_argument, NULL, 'M' },
		{ "tap", required_argument, NULL, 't' },
		{ "mac", required_argument, NULL, 'm' },
		{ "sidecore", required_argument, NULL, 's' },
		{ "doorbell-pages", no_argument, NULL, 'd' },
		{ "rom", required_argument, NULL, 'r' },
		{ "device-props", required_argument, NULL, 'p' },
		{ "qemu-device", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int i;
	int c;

	memset(o, 0, sizeof(*o));
	o->type = models[0].type;
	snprintf(o->tap, IFNAMSIZ, "%s", DEFAULT_TAP);
	o->sidecore = KVM_E1000_NO_SIDECORE;
	o->rom = default_rom;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+M:t:m:s:dr:p:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'M':
			for (i = 0; i < NMODELS; i++)
				if (!strcasecmp(optarg, models[i].name))
					break;
			if (i == NMODELS) {
				err("bad model '%s' (want 82540em or 82545em)",
				    optarg);
				return -1;
			}
			o->type = models[i].type;
			break;
		case 't':
			if (strlen(optarg) >= IFNAMSIZ || !*optarg) {
				err("bad tap name '%s'", optarg);
				return -1;
			}
			snprintf(o->tap, IFNAMSIZ, "%s", optarg);
			break;
		case 'm':
			if (parse_mac(optarg, o->mac))
				return -1;
			break;
		case 's':
			o->sidecore = parse_cpu(optarg);
			if (o->sidecore < 0)
				return -1;
			break;
		case 'd':
			o->flags |= KVM_E1000_MDEV_BIND_DOORBELL_PAGES;
			break;
		case 'r':
			o->rom = strcmp(optarg, "none") ? optarg : NULL;
			break;
		case 'p':
			o->props = optarg;
			break;
		case 'q':
			o->qemu_device = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	return check_rom_props(o) ? -1 : optind;
}

/* QEMU's -device value for the device @uuid. */
static void device_arg(char *buf, size_t size, const char *uuid,
		       const struct create_opts *o)
{
	snprintf(buf, size, "vfio-pci,sysfsdev=" MDEV_DEVICES "/%s%s%s%s%s",
		 uuid, o->rom ? ",romfile=" : "", o->rom ? o->rom : "",
		 o->props ? "," : "", o->props ? o->props : "");
}

static int cmd_create(int argc, char **argv)
{
	char uuid[KVM_E1000_UUID_LEN + 1], tap[IFNAMSIZ];
	struct create_opts o;
	int i = parse_create_opts(argc, argv, &o);

	if (i < 0)
		return 1;
	if (i != argc) {
		usage(stderr);
		return 1;
	}
	if (create(&o, uuid, tap))
		return 1;
	if (o.qemu_device) {
		char dev[PATH_MAX * 2];

		device_arg(dev, sizeof(dev), uuid, &o);
		printf("%s\n", dev);
	} else {
		printf(MDEV_DEVICES "/%s\n", uuid);
	}
	return 0;
}

static int cmd_destroy(int argc, char **argv)
{
	if (argc != 2 || !valid_uuid(argv[1])) {
		usage(stderr);
		return 1;
	}
	if (!is_ours(argv[1])) {
		err("%s is not a kvm-e1000 device", argv[1]);
		return 1;
	}
	return remove_mdev(argv[1]) ? 1 : 0;
}

/* ---- list / status ---- */

static void show_one(const char *uuid, bool counters)
{
	static const char *const attrs[] = { "tap", "sidecore", "mac", "vm" };
	char val[4096];
	unsigned int i;

	if (!counters)
		printf("%s", uuid);
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		if (read_attr(uuid, attrs[i], val, sizeof(val)))
			snprintf(val, sizeof(val), "?");
		if (counters)
			printf("%-9s %s\n", attrs[i], *val ? val : "-");
		else
			printf("  %s=%s", attrs[i], *val ? val : "-");
	}
	if (!counters) {
		putchar('\n');
		return;
	}
	printf("sysfsdev  " MDEV_DEVICES "/%s\n", uuid);
	if (!read_attr(uuid, "stats", val, sizeof(val)))
		printf("%s\n", val);
}

static int cmd_list(int argc, char **argv)
{
	DIR *d;
	struct dirent *de;

	(void)argv;
	if (argc != 1) {
		usage(stderr);
		return 1;
	}
	d = opendir(MDEV_DEVICES);
	if (!d)
		return 0;	/* no mdev bus: no devices */
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && is_ours(de->d_name))
			show_one(de->d_name, false);
	closedir(d);
	return 0;
}

static int cmd_status(int argc, char **argv)
{
	if (argc != 2 || !valid_uuid(argv[1])) {
		usage(stderr);
		return 1;
	}
	if (!is_ours(argv[1])) {
		err("no kvm-e1000 device %s", argv[1]);
		return 1;
	}
	show_one(argv[1], true);
	return 0;
}

/* ---- run ---- */

static pid_t child;

/* Interrupts go to QEMU; we clean up when it is gone. */
static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static int cmd_run(int argc, char **argv)
{
	char uuid[KVM_E1000_UUID_LEN + 1], tap[IFNAMSIZ];
	char dev[PATH_MAX * 2];
	struct create_opts o;
	struct sigaction sa = { .sa_handler = forward };
	char **qargv;
	int i = parse_create_opts(argc, argv, &o);
	int n, status;

	if (i < 0)
		return 1;
	if (i >= argc) {
		err("run: no QEMU command after --");
		usage(stderr);
		return 1;
	}
	if (create(&o, uuid, tap))
		return 1;
	n = argc - i;
	qargv = calloc(n + 3, sizeof(*qargv));
	if (!qargv) {
		remove_mdev(uuid);
		return 1;
	}
	memcpy(qargv, argv + i, n * sizeof(*qargv));
	device_arg(dev, sizeof(dev), uuid, &o);
	qargv[n] = "-device";
	qargv[n + 1] = dev;
	fprintf(stderr, "%s: device %s on tap %s: -device %s\n", prog, uuid,
		tap, dev);

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	child = fork();
	if (child < 0) {
		err("fork: %s", strerror(errno));
		remove_mdev(uuid);
		return 1;
	}
	if (!child) {
		execvp(qargv[0], qargv);
		err("cannot run %s: %s", qargv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR) {
			status = 1 << 8;
			break;
		}
	child = 0;
	free(qargv);
	if (remove_mdev(uuid))
		return 1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} cmds[] = {
		{ "create", cmd_create },
		{ "destroy", cmd_destroy },
		{ "list", cmd_list },
		{ "status", cmd_status },
		{ "run", cmd_run },
	};
	unsigned int i;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	err("unknown command '%s'", argv[1]);
	usage(stderr);
	return 1;
}
