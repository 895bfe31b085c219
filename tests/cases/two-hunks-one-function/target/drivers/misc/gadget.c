// SPDX-License-Identifier: GPL-2.0
/*
 * Gadget sensor platform driver.
 */
#include <linux/clk.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/platform_device.h>

struct gadget_dev {
	void __iomem *base;
	struct clk *clk;
	spinlock_t lock;
};

static irqreturn_t gadget_irq(int irq, void *data)
{
	struct gadget_dev *gd = data;

	writel(0, gd->base + 0x10);
	return IRQ_HANDLED;
}

static int gadget_probe(struct platform_device *pdev)
{
	struct gadget_dev *gd;
	struct resource *res;
	int irq, ret;

	gd = devm_kzalloc(&pdev->dev, sizeof(*gd), GFP_KERNEL);
	if (!gd)
		return -ENOMEM;

	res = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	gd->base = devm_ioremap_resource(&pdev->dev, res);
	if (IS_ERR(gd->base))
		return PTR_ERR(gd->base);

	irq = platform_get_irq(pdev, 0);
	if (irq < 0)
		return irq;

	gd->clk = devm_clk_get(&pdev->dev, NULL);
	if (IS_ERR(gd->clk))
		return PTR_ERR(gd->clk);

	spin_lock_init(&gd->lock);
	platform_set_drvdata(pdev, gd);

	ret = devm_request_irq(&pdev->dev, irq, gadget_irq, 0,
			       dev_name(&pdev->dev), gd);
	if (ret)
		return ret;

	return clk_prepare_enable(gd->clk);
}

static struct platform_driver gadget_driver = {
	.probe = gadget_probe,
	.driver = {
		.name = "gadget",
	},
};
module_platform_driver(gadget_driver);
MODULE_LICENSE("GPL");
