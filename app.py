"""An Sinh: entry point. The menu (st.navigation) is built on every run: only the login page while
nobody is logged in, the role's pages afterwards. Every page runs inside one error boundary
(``ui.feedback.shown_errors``): a user error shows its Vietnamese sentence, anything else a Vietnamese
apology with a reference that is also in the server log, never Streamlit's English error box."""

import streamlit as st

from data_layer.vn.labels import label
from ui.feedback import set_flash, show_flash, shown_errors
from ui.navigation import login_pages, pages_for
from ui.session import authenticator, current_scope, log_out, restore_login, show_login, write_login_cookie
from ui.style import vietnamese_widgets


def login_page() -> None:
    show_flash()
    write_login_cookie(auth)  # clears the cookie after a logout
    show_login(auth)


st.set_page_config(page_title="An Sinh", page_icon="assets/favicon.png", layout="wide")
vietnamese_widgets()
with shown_errors():
    auth = authenticator()
    restore_login(auth)
    scope = current_scope()
    if scope is None:
        st.navigation(login_pages(login_page), position="hidden").run()
        st.stop()
    navigation = st.navigation(pages_for(scope), expanded=True)  # every page listed, no "View more"
    write_login_cookie(auth)
    with st.sidebar:
        st.markdown(f"**{st.session_state.get('name') or scope.username}**  \n{label(scope.role)}")
        if st.button("Đăng xuất", key="logout_button"):
            log_out(auth)
            set_flash("Bạn đã đăng xuất.")
            st.rerun()
    navigation.run()
