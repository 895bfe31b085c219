// SPDX-License-Identifier: GPL-2.0
#include <linux/mm.h>
#include <linux/mm_types.h>

static int quxusb_mmap(struct file *file, struct vm_area_struct *area)
{
	struct quxusb *qux = file->private_data;
	int read = area->vm_flags & VM_READ;
	int err = 0;

	if (read && area->vm_flags & VM_WRITE) {
		err = -EPERM;
		goto out;
	}

	area->vm_ops = &quxusb_vm_ops;
	area->vm_private_data = qux;
out:
	return err;
}
