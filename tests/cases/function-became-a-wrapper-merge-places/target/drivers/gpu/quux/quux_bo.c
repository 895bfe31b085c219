// SPDX-License-Identifier: MIT
#include "quux_drv.h"

int quux_bo_pin_locked(struct quux_bo *qbo, u32 domain, bool contig)
{
	struct quux_drm *drm = quux_bdev(qbo->bo.bdev);
	struct ttm_buffer_object *bo = &qbo->bo;
	bool force = false, evict = false;
	int ret = 0;

	dma_resv_assert_held(bo->base.resv);

	if (drm->client.device.info.family >= QUUX_FAMILY_TESLA &&
	    domain == QUUX_DOMAIN_VRAM && contig) {
		if (qbo->kind) {
			force = true;
			evict = true;
		}
	}

	if (qbo->bo.pin_count) {
		bool error = evict;

		if (bo->resource->mem_type == TTM_PL_VRAM)
			error |= !(domain & QUUX_DOMAIN_VRAM);

		if (error) {
			QUUX_ERROR(drm, "bo %p pinned elsewhere: 0x%08x vs 0x%08x\n",
				   bo, bo->resource->mem_type, domain);
			ret = -EBUSY;
		}
		ttm_bo_pin(&qbo->bo);
		goto out;
	}

	quux_bo_placement_set(qbo, domain, 0);
	ret = quux_bo_validate(qbo, false, false);
	if (ret)
		goto out;

	ttm_bo_pin(&qbo->bo);

out:
	return ret;
}

int quux_bo_pin(struct quux_bo *qbo, u32 domain, bool contig)
{
	struct ttm_buffer_object *bo = &qbo->bo;
	int ret;

	ret = ttm_bo_reserve(bo, false, false, NULL);
	if (ret)
		return ret;
	ret = quux_bo_pin_locked(qbo, domain, contig);
	ttm_bo_unreserve(bo);

	return ret;
}
