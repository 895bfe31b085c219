// SPDX-License-Identifier: BSD-3-Clause-Clear

#include <linux/spinlock.h>
#include "core.h"

static char *quxwl_mhi_op_callback_to_str(enum mhi_callback reason)
{
	switch (reason) {
	case MHI_CB_SYS_ERROR:
		return "SYS_ERROR";
	case MHI_CB_EE_RDDM:
		return "EE_RDDM";
	default:
		return "UNKNOWN";
	}
}

static void quxwl_mhi_op_status_cb(struct mhi_controller *mhi_cntrl,
				   enum mhi_callback cb)
{
	struct quxwl_base *ab = dev_get_drvdata(mhi_cntrl->cntrl_dev);
	struct quxwl_pci *ab_pci = quxwl_pci_priv(ab);

	quxwl_dbg(ab, "notify status reason %s\n",
		  quxwl_mhi_op_callback_to_str(cb));

	switch (cb) {
	case MHI_CB_SYS_ERROR:
		quxwl_warn(ab, "firmware crashed: MHI_CB_SYS_ERROR\n");
		break;
	case MHI_CB_EE_RDDM:
		quxwl_warn(ab, "firmware crashed: MHI_CB_EE_RDDM\n");
		if (ab_pci->mhi_pre_cb == MHI_CB_EE_RDDM) {
			quxwl_dbg(ab, "do not queue again for consecutive RDDM event\n");
			break;
		}

		if (!(test_bit(QUXWL_FLAG_UNREGISTERING, &ab->dev_flags)))
			queue_work(ab->workqueue_aux, &ab->reset_work);

		break;
	default:
		break;
	}

	ab_pci->mhi_pre_cb = cb;
}

static int quxwl_mhi_op_read_reg(struct mhi_controller *mhi_cntrl,
				 void __iomem *addr, u32 *out)
{
	*out = readl(addr);

	return 0;
}
