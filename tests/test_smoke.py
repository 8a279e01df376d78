def test_signup_and_home(auth, client):
    response = auth.signup()
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get("/family/")
    assert page.status_code == 200
    assert "The Lovelaces" in page.get_data(as_text=True)
