// SPDX-License-Identifier: GPL-2.0-or-later
#include <linux/quxcontrol.h>
#include <linux/seq_file.h>

struct qux_cgroup *root_qux_cgroup __read_mostly;

static unsigned long qux_usage(struct qux_cgroup *qux)
{
	return page_counter_read(&qux->memory);
}

static const char *const qux1_stat_names[] = {
	"cache",
	"rss",
	"rss_huge",
	"mapped_file",
	"pgpgin",
	"pgpgout",
};

static const unsigned int qux1_stats[] = {
	NR_FILE_PAGES,
	NR_ANON_MAPPED,
	NR_ANON_THPS,
	NR_FILE_MAPPED,
	PGPGIN,
	PGPGOUT,
};

static int qux1_stat_show(struct seq_file *m, void *v)
{
	struct qux_cgroup *qux = qux_from_seq(m);
	int i;

	for (i = 0; i < ARRAY_SIZE(qux1_stats); i++)
		seq_printf(m, "%s %lu\n", qux1_stat_names[i],
			   qux_page_state(qux, qux1_stats[i]));
	return 0;
}

static u64 qux1_swappiness_read(struct cgroup_subsys_state *css, struct cftype *cft)
{
	struct qux_cgroup *qux = qux_from_css(css);

	return qux_swappiness(qux);
}

static int qux1_swappiness_write(struct cgroup_subsys_state *css, struct cftype *cft, u64 val)
{
	struct qux_cgroup *qux = qux_from_css(css);

	if (val > 100)
		return -EINVAL;
	qux->swappiness = val;
	return 0;
}
