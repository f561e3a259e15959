// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO migration, protocol v2, of a kvm-e1000 mdev: the states RUNNING,
 * STOP, STOP_COPY and RESUMING (VFIO_MIGRATION_STOP_COPY).
 *
 * STOP pauses the data path (migrate.c): no pass, so no write to guest
 * memory and no frame taken from the tap.  STOP_COPY hands out the
 * device's state blob (core/state.c) through a file the VMM reads to its
 * end; RESUMING takes one through a file the VMM writes, and leaving it
 * for STOP loads it, whole or not at all: a blob the device refuses fails
 * that transition and changes nothing.  The blob is also judged when its
 * last byte is written, and a refusal fails that write: QEMU leaves
 * RESUMING only as the guest starts, too late to fail the migration, but
 * a failed write fails its load, and the source runs on.
 *
 * The data is the mdev's PCI configuration space, then the core's blob.
 * QEMU migrates configuration space in its own copy and writes back only
 * COMMAND (vfio_pci_load_config()), never the BARs: without ours the
 * destination would not know where the guest put BAR0 and BAR2, and its
 * register windows would stay off KVM's buses.
 *
 * The guest memory the device wrote is in the VM's dirty log
 * (platform.c), which the VMM reads for all of guest RAM.
 *
 * m->lock serialises transitions with opens, closes and region accesses.
 * Each data file holds its own lock; the device keeps a reference to the
 * file of the state it is in and disables it when it moves on, so a file
 * the VMM kept reads and writes nothing after.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/version.h>

#include "mdev.h"

/*
 * Off by default: QEMU 10.0 routes a vfio-pci device's INTx on a migration
 * destination before the chipset's state is loaded and never again, so a
 * migrated guest gets no interrupt from the NIC until it rewrites its
 * PIRQ routing (Documentation/qemu.md).  Read when an mdev is created;
 * QEMU then also needs -global vfio-pci.enable-migration=on (the device
 * has no DMA logging of its own: its writes are in KVM's dirty log).
 */
static bool vfio_migration;
module_param(vfio_migration, bool, 0644);
MODULE_PARM_DESC(vfio_migration,
		 "offer VFIO migration on new mdevs (experimental; default off)");

/* What precedes the core's blob (all little-endian). */
struct e1000_mig_hdr {
	__le32 magic;
	__le32 version;
	u8 cfg[E1000_PCI_CFG_SIZE];	/* struct e1000_pci's cfg */
};

#define MIG_MAGIC	0x4d31454bU	/* "KE1M" in memory order */
#define MIG_VERSION	1
#define MIG_MAX_SIZE	(sizeof(struct e1000_mig_hdr) + E1000_STATE_MAX_SIZE)

struct e1000_mig_file {
	struct file *filp;
	struct mutex lock;	/* the fields below, against read and write */
	void *buf;		/* MIG_MAX_SIZE bytes */
	u32 len;		/* bytes of state in it */
	bool disabled;		/* the device left the state it was for */
	/* RESUMING's file only: */
	bool refused;		/* what was written is no state to take */
	struct e1000_mdev *m;	/* its device, while not disabled */
	struct e1000_pci pci;	/* a copy of the device's space, to check */
};

static void mig_file_free(struct e1000_mig_file *f)
{
	kvfree(f->buf);
	mutex_destroy(&f->lock);
	kfree(f);
}

static int mig_release(struct inode *inode, struct file *filp)
{
	mig_file_free(filp->private_data);
	return 0;
}

/* STOP_COPY's file: the blob, from the start to its end, once. */
static ssize_t mig_read(struct file *filp, char __user *ubuf, size_t count,
			loff_t *ppos)
{
	struct e1000_mig_file *f = filp->private_data;
	loff_t *pos = &filp->f_pos;
	ssize_t ret;

	if (ppos)
		return -ESPIPE;
	mutex_lock(&f->lock);
	if (f->disabled) {
		ret = -ENODEV;
	} else if (*pos >= f->len) {
		ret = 0;
	} else {
		ret = min_t(size_t, count, f->len - *pos);
		if (copy_to_user(ubuf, f->buf + *pos, ret))
			ret = -EFAULT;
		else
			*pos += ret;
	}
	mutex_unlock(&f->lock);
	return ret;
}

/*
 * Does @buf, @len bytes, hold a state for @m, whose configuration space
 * @pci is a copy of?  @pci takes the blob's space; with @load the core
 * takes its state, else it is only checked.  0, -ENOMEM, -EINTR, or
 * -EINVAL with the reason logged.
 */
static int mig_check(struct e1000_mdev *m, struct e1000_pci *pci,
		     const void *buf, u32 len, bool load)
{
	const struct e1000_mig_hdr *h = buf;
	const u32 hdr = sizeof(*h);
	u32 reason;
	int ret;

	if (len < hdr || le32_to_cpu(h->magic) != MIG_MAGIC ||
	    le32_to_cpu(h->version) != MIG_VERSION ||
	    !e1000_pci_restore(pci, h->cfg)) {
		dev_warn(m->vdev.dev,
			 "migration state refused: bad header or PCI configuration\n");
		return -EINVAL;
	}
	if (load)
		ret = kvm_e1000_state_load(m->e, buf + hdr, len - hdr, &reason);
	else
		ret = kvm_e1000_state_check(m->e, buf + hdr, len - hdr,
					    &reason);
	if (reason)
		dev_warn(m->vdev.dev, "migration state refused: %s\n",
			 e1000_state_strerror(reason));
	return ret;
}

/*
 * RESUMING's data, once the core's header says it is all there: would
 * the device take it?  0 while it is incomplete or good.
 */
static int mig_written(struct e1000_mig_file *f)
{
	const u32 hdr = sizeof(struct e1000_mig_hdr);
	u32 want;
	int ret;

	if (f->refused)
		return -EINVAL;
	if (f->len < hdr)
		return 0;
	want = e1000_state_declared_len(f->buf + hdr, f->len - hdr);
	if (!want || f->len - hdr < want)
		return 0;
	ret = mig_check(f->m, &f->pci, f->buf, f->len, false);
	if (ret == -EINVAL)
		f->refused = true;
	return ret;
}

/* RESUMING's file: the blob, appended; no more than a state can be. */
static ssize_t mig_write(struct file *filp, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	struct e1000_mig_file *f = filp->private_data;
	loff_t *pos = &filp->f_pos;
	ssize_t ret;

	if (ppos)
		return -ESPIPE;
	mutex_lock(&f->lock);
	if (f->disabled) {
		ret = -ENODEV;
	} else if (count > MIG_MAX_SIZE - *pos) {
		ret = -EFBIG;
	} else if (copy_from_user(f->buf + *pos, ubuf, count)) {
		ret = -EFAULT;
	} else {
		/* Not taken if refused, or if it could not be judged. */
		f->len = *pos + count;
		ret = mig_written(f);
		if (ret) {
			f->len = *pos;
		} else {
			*pos += count;
			ret = count;
		}
	}
	mutex_unlock(&f->lock);
	return ret;
}

static const struct file_operations mig_fops = {
	.owner = THIS_MODULE,
	.read = mig_read,
	.write = mig_write,
	.release = mig_release,
};

/* A data file, with the device's reference on it taken too. */
static struct e1000_mig_file *mig_file_new(int flags)
{
	struct e1000_mig_file *f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);

	if (!f)
		return ERR_PTR(-ENOMEM);
	f->buf = kvmalloc(MIG_MAX_SIZE, GFP_KERNEL_ACCOUNT);
	if (!f->buf) {
		kfree(f);
		return ERR_PTR(-ENOMEM);
	}
	mutex_init(&f->lock);
	f->filp = anon_inode_getfile("kvm-e1000-mig", &mig_fops, f, flags);
	if (IS_ERR(f->filp)) {
		struct file *err = f->filp;

		mig_file_free(f);
		return ERR_CAST(err);
	}
	stream_open(f->filp->f_inode, f->filp);
	get_file(f->filp);
	return f;
}

/* The device leaves the state @*fp was for: the file reads no more. */
static void mig_file_drop(struct e1000_mig_file **fp)
{
	struct e1000_mig_file *f = *fp;

	if (!f)
		return;
	mutex_lock(&f->lock);
	f->disabled = true;
	mutex_unlock(&f->lock);
	fput(f->filp);
	*fp = NULL;
}

/* STOP -> STOP_COPY: the state, taken now, in a file to read. */
static struct file *mig_save(struct e1000_mdev *m)
{
	struct e1000_mig_file *f = mig_file_new(O_RDONLY);
	struct e1000_mig_hdr *h;
	int ret;

	if (IS_ERR(f))
		return ERR_CAST(f);
	h = f->buf;
	h->magic = cpu_to_le32(MIG_MAGIC);
	h->version = cpu_to_le32(MIG_VERSION);
	memcpy(h->cfg, m->pci.cfg, sizeof(h->cfg));
	ret = kvm_e1000_state_save(m->e, f->buf + sizeof(*h));
	if (ret < 0) {
		/* Both references: the device's and the one for the VMM. */
		fput(f->filp);
		fput(f->filp);
		return ERR_PTR(ret);
	}
	f->len = sizeof(*h) + ret;
	m->saving = f;
	return f->filp;
}

/* STOP -> RESUMING: a file to write the state into. */
static struct file *mig_resume(struct e1000_mdev *m)
{
	struct e1000_mig_file *f = mig_file_new(O_WRONLY);

	if (IS_ERR(f))
		return ERR_CAST(f);
	f->m = m;
	f->pci = m->pci;
	m->resuming = f;
	return f->filp;
}

/* RESUMING -> STOP: what was written becomes the device, or nothing. */
static int mig_load(struct e1000_mdev *m)
{
	struct e1000_mig_file *f = m->resuming;
	struct e1000_pci *pci;
	int ret;

	pci = kmemdup(&m->pci, sizeof(*pci), GFP_KERNEL_ACCOUNT);
	if (!pci)
		return -ENOMEM;
	mutex_lock(&f->lock);
	ret = f->refused ? -EINVAL : mig_check(m, pci, f->buf, f->len, true);
	mutex_unlock(&f->lock);
	if (!ret) {
		/* Before the vCPUs run: windows where the guest put the BARs. */
		m->pci = *pci;
		e1000_mdev_config_apply(m);
		mig_file_drop(&m->resuming);
	}
	kfree(pci);
	return ret;
}

/* One arc of the state machine, from m->mig_state to @next. */
static struct file *mig_arc(struct e1000_mdev *m,
			    enum vfio_device_mig_state next)
{
	enum vfio_device_mig_state cur = m->mig_state;

	if (cur == VFIO_DEVICE_STATE_RUNNING && next == VFIO_DEVICE_STATE_STOP)
		return ERR_PTR(kvm_e1000_pause(m->e));
	if (cur == VFIO_DEVICE_STATE_STOP && next == VFIO_DEVICE_STATE_RUNNING) {
		kvm_e1000_unpause(m->e);
		return NULL;
	}
	if (cur == VFIO_DEVICE_STATE_STOP &&
	    next == VFIO_DEVICE_STATE_STOP_COPY)
		return mig_save(m);
	if (cur == VFIO_DEVICE_STATE_STOP_COPY &&
	    next == VFIO_DEVICE_STATE_STOP) {
		mig_file_drop(&m->saving);
		return NULL;
	}
	if (cur == VFIO_DEVICE_STATE_STOP &&
	    next == VFIO_DEVICE_STATE_RESUMING)
		return mig_resume(m);
	if (cur == VFIO_DEVICE_STATE_RESUMING &&
	    next == VFIO_DEVICE_STATE_STOP)
		return ERR_PTR(mig_load(m));
	/* vfio_mig_get_next_state() offers no other arc for STOP_COPY. */
	return ERR_PTR(-EINVAL);
}

static struct file *e1000_mig_set_state(struct vfio_device *vdev,
					enum vfio_device_mig_state new)
{
	struct e1000_mdev *m = container_of(vdev, struct e1000_mdev, vdev);
	enum vfio_device_mig_state next;
	struct file *res = NULL;
	int ret;

	mutex_lock(&m->lock);
	while (m->mig_state != new) {
		ret = vfio_mig_get_next_state(vdev, m->mig_state, new, &next);
		if (ret) {
			res = ERR_PTR(ret);
			break;
		}
		res = mig_arc(m, next);
		if (IS_ERR(res))
			break;
		m->mig_state = next;
		/* Only the last arc may hand out a file. */
		if (WARN_ON(res && next != new)) {
			fput(res);
			res = ERR_PTR(-EINVAL);
			break;
		}
	}
	mutex_unlock(&m->lock);
	return res;
}

static int e1000_mig_get_state(struct vfio_device *vdev,
			       enum vfio_device_mig_state *state)
{
	struct e1000_mdev *m = container_of(vdev, struct e1000_mdev, vdev);

	mutex_lock(&m->lock);
	*state = m->mig_state;
	mutex_unlock(&m->lock);
	return 0;
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
/*
 * VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, which VFIO calls without checking
 * that the op is there: the most STOP_COPY will hand out.  The exact size
 * depends on the frame in progress at the time of STOP; the bound costs
 * the VMM's estimate a few KiB and needs no quiesced device.
 */
static int e1000_mig_get_data_size(struct vfio_device *vdev,
				   unsigned long *stop_copy_length)
{
	*stop_copy_length = MIG_MAX_SIZE;
	return 0;
}
#endif

static const struct vfio_migration_ops e1000_mdev_mig_ops = {
	.migration_set_state = e1000_mig_set_state,
	.migration_get_state = e1000_mig_get_state,
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	.migration_get_data_size = e1000_mig_get_data_size,
#endif
};

/* Called by the mdev's init: migration is offered if the parameter says so. */
void e1000_mdev_mig_init(struct e1000_mdev *m)
{
	if (!READ_ONCE(vfio_migration))
		return;
	m->vdev.migration_flags = VFIO_MIGRATION_STOP_COPY;
	m->vdev.mig_ops = &e1000_mdev_mig_ops;
}

/*
 * Under m->lock: back to RUNNING, as a reset or a new open finds the
 * device, with any data file disabled.  @resume: the device runs again
 * (a reset, done by then); a close leaves a stopped device stopped, so no
 * pass touches the memory of a VM that may have moved on.
 */
void e1000_mdev_mig_reset(struct e1000_mdev *m, bool resume)
{
	mig_file_drop(&m->saving);
	mig_file_drop(&m->resuming);
	if (resume && m->e && m->mig_state != VFIO_DEVICE_STATE_RUNNING)
		kvm_e1000_unpause(m->e);
	m->mig_state = VFIO_DEVICE_STATE_RUNNING;
}
