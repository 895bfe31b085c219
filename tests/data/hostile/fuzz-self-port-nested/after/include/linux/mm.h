struct page;
